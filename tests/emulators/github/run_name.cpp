#include "emulators/github/run_name.h"

#include <string_view>

namespace spaceport::github_emulator {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string RenderRunName(const std::string& run_name, const std::map<std::string, std::string>& inputs) {
  std::string out;
  size_t pos = 0;
  while (pos < run_name.size()) {
    const size_t open = run_name.find("${{", pos);
    const size_t close = open == std::string::npos ? open : run_name.find("}}", open + 3);
    if (close == std::string::npos) {
      out += run_name.substr(pos);
      break;
    }
    out += run_name.substr(pos, open - pos);
    const std::string_view expr = Trim(std::string_view(run_name).substr(open + 3, close - open - 3));
    std::string_view name;
    for (std::string_view prefix : {"inputs.", "github.event.inputs."}) {
      if (expr.substr(0, prefix.size()) == prefix) name = expr.substr(prefix.size());
    }
    if (name.empty()) {
      out += run_name.substr(open, close + 2 - open);
    } else if (auto it = inputs.find(std::string(name)); it != inputs.end()) {
      out += it->second;
    }
    pos = close + 2;
  }
  return out;
}

}  // namespace spaceport::github_emulator
