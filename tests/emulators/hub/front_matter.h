// README front matter → the Space's `cardData`. The Hub reads the YAML block between the
// leading `---` lines of README.md and serves it as JSON; the Space's `sdk` and `app_port`
// come from it. Plain YAML scalars become JSON booleans (true/false), integers and floats when
// they look like them, everything else strings; quoted scalars always stay strings.
//
//   FrontMatter fm = ParseFrontMatter("---\nsdk: docker\napp_port: 7860\n---\n# Demo\n");
//   fm.data.Dump();   // {"sdk":"docker","app_port":7860}
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"

namespace spaceport::hub_emulator {

struct FrontMatter {
  bool present = false;  // the README starts with a `---` block
  Json data;             // an object when present and valid
  std::string error;     // YAML error text (present but invalid); empty otherwise
};

FrontMatter ParseFrontMatter(std::string_view readme);

}  // namespace spaceport::hub_emulator
