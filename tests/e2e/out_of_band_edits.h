// The out-of-band edits of issue 4's "Done when", as a table shared by the driftPolicy correct
// and warn suites: each is a control request a person's click in the Hub's UI amounts to, the
// drift field `plan` must name for it, what `plan` must report as observed, and a check on the
// emulator's Space state that says whether the edit is in place.
//
//   for (const OutOfBandEdit& edit : OutOfBandEdits()) {
//     Edit(edit.method, edit.path, edit.body);
//     ... plan names edit.field ...
//     EXPECT_TRUE(edit.in_place(SpaceState()));
//   }
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "base/json.h"
#include "e2e/e2e_fixture.h"

namespace spaceport::e2e {

struct OutOfBandEdit {
  std::string name;    // gtest parameter name
  std::string method;  // the control request, under /__emulator/spaces/acme/demo
  std::string path;
  std::string body;
  std::string field;     // the drift field plan reports (plan-json.md)
  std::string observed;  // a part of that drift item's `observed` value
  std::function<bool(const Json& space)> in_place;
};

// The base image the Dockerfile edit points at: it exists in the registry, so the Space builds.
inline constexpr char kElsewhereImage[] = "ghcr.io/acme/app:v1.0.0";

inline std::vector<OutOfBandEdit> OutOfBandEdits() {
  return {
      {"HardwareChanged", "POST", "/hardware", R"({"flavor":"cpu-upgrade"})", "hardware",
       "cpu-upgrade",
       [](const Json& space) {
         const std::string requested = Field(space, {"runtime", "hardware", "requested"});
         return requested == "cpu-upgrade" ||
                (requested == "null" &&
                 Field(space, {"runtime", "hardware", "current"}) == "cpu-upgrade");
       }},
      {"VariableDeleted", "DELETE", "/variables/LOG_LEVEL", "", "variables.LOG_LEVEL", "<absent>",
       [](const Json& space) {
         return Member(space, {"variables", "LOG_LEVEL"}) == nullptr;
       }},
      {"DockerfilePointedElsewhere", "POST", "/commit",
       std::string(R"({"summary":"Try the plain image","files":{"Dockerfile":"FROM )") +
           kElsewhereImage + R"(\n"}})",
       "dockerfile", kElsewhereImage,
       [](const Json& space) { return DockerfileFrom(space) == kElsewhereImage; }},
      {"SpacePaused", "POST", "/pause", "", "runtime.stage", "PAUSED",
       [](const Json& space) { return RuntimeStage(space) == "PAUSED"; }},
  };
}

inline std::string EditName(const ::testing::TestParamInfo<OutOfBandEdit>& info) {
  return info.param.name;
}

// gtest prints parameters on failure; the name says which edit it was.
inline void PrintTo(const OutOfBandEdit& edit, std::ostream* os) { *os << edit.name; }

// The drift item of the Space for `field` in a `plan -o json` document, or nullptr.
inline const Json* DriftItem(const Json& plan, const std::string& field) {
  const Json* drift = plan.Find("drift");
  if (!drift || !drift->is_array()) return nullptr;
  for (size_t i = 0; i < drift->size(); ++i) {
    const Json& item = drift->At(i);
    if (item.GetString("target") == std::string("space:") + kSpace &&
        item.GetString("field") == field) {
      return &item;
    }
  }
  return nullptr;
}

}  // namespace spaceport::e2e
