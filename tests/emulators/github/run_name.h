// Rendering a workflow's `run-name:` the way GitHub shows it as a run's display_title:
// `${{ inputs.NAME }}` and `${{ github.event.inputs.NAME }}` become the input's value (empty
// when the input is absent); any other expression is left as written, since the emulator does
// not evaluate GitHub's expression language.
//
//   RenderRunName("build ${{ inputs.build_id }}", {{"build_id", "b-42"}})   // "build b-42"
#pragma once

#include <map>
#include <string>

namespace spaceport::github_emulator {

std::string RenderRunName(const std::string& run_name, const std::map<std::string, std::string>& inputs);

}  // namespace spaceport::github_emulator
