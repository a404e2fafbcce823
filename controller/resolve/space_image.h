// Space image: which wrapper image a Space's Dockerfile runs. The one reading of a Dockerfile that
// both the registry observer (which must fetch the tags the planner will compare against) and the
// planner (which decides whether to move a Space) need, so it lives below both.
//
// A Spaceport Dockerfile says FROM REPO:hf-PLATFORM-VERSION@DIGEST (WrapperRef). Reading one back
// gives the VERSION the Space runs, which version resolution uses so a semver policy never
// downgrades a Space.
//
//   WrapperRef("ghcr.io/o/app", "amd64", "v1.0.0", "sha256:…")  // ghcr.io/o/app:hf-amd64-v1.0.0@sha256:…
//   RunningVersion("FROM ghcr.io/o/app:hf-amd64-v1.0.0@sha256:…\n", "ghcr.io/o/app")  // "v1.0.0"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spaceport::resolve {

// "REPO:hf-PLATFORM-VERSION@DIGEST": what a Space's Dockerfile says FROM.
std::string WrapperRef(std::string_view repository, std::string_view platform,
                       std::string_view version, std::string_view digest);

// The image of the Dockerfile's last FROM instruction (the stage that runs), flags such as
// --platform skipped; nullopt when there is none.
std::optional<std::string> ParseFromLine(std::string_view dockerfile);

// The VERSION a Space runs when its FROM is "REPO:hf-PLATFORM-VERSION[@digest]" with REPO equal to
// `repository`; nullopt for anything else (another image, a hand-written FROM).
std::optional<std::string> RunningVersion(std::string_view dockerfile, std::string_view repository);

}  // namespace spaceport::resolve
