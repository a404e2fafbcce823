// The base images a Dockerfile builds FROM, as the Hub's builder would resolve them: line
// continuations joined, comments skipped, `ARG NAME=default` before the first FROM substituted
// into FROM lines (${NAME}, $NAME, ${NAME:-word}), with the Space's variables overriding the
// defaults (the Hub passes variables as --build-arg). `scratch` and earlier stage names
// (`FROM base AS build` … `FROM build`) are not images.
//
//   BaseImages b = FindBaseImages("ARG BASE=busybox\nFROM ${BASE}\n", {{"BASE", "alpine:3"}});
//   b.images == {"alpine:3"}
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace spaceport::hub_emulator {

struct BaseImages {
  std::vector<std::string> images;  // in order of appearance, as written after substitution
  std::string error;                // a builder-style error ("no FROM instruction"), else empty
};

BaseImages FindBaseImages(std::string_view dockerfile,
                          const std::map<std::string, std::string>& build_args);

}  // namespace spaceport::hub_emulator
