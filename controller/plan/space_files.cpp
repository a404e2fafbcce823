#include "plan/space_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

#include "base/ascii.h"
#include "base/quote.h"
#include "hf_templates.h"
#include "resolve/wrapper.h"
#include "spec/defaults.h"

namespace spaceport::plan {
namespace {

using Substitution = std::pair<std::string_view, std::string_view>;

// Replaces each "{{ .Name }}" of the template; unknown placeholders are kept verbatim so that a
// template typo shows up in the rendered file (and in tests) instead of vanishing.
std::string Substitute(std::string_view tmpl, const std::vector<Substitution>& values) {
  std::string out;
  out.reserve(tmpl.size() + 256);
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find("{{ .", pos);
    if (open == std::string_view::npos) break;
    size_t close = tmpl.find(" }}", open);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    std::string_view name = tmpl.substr(open + 4, close - open - 4);
    bool replaced = false;
    for (const auto& [key, value] : values) {
      if (key == name) {
        out.append(value);
        replaced = true;
        break;
      }
    }
    if (!replaced) out.append(tmpl.substr(open, close + 3 - open));
    pos = close + 3;
  }
  out.append(tmpl.substr(pos));
  return out;
}

std::string Quoted(std::string_view value) { return DoubleQuoted(value); }

std::string YamlValue(std::string_view value) {
  return NeedsYamlQuoting(value) ? Quoted(value) : std::string(value);
}

void AddLine(std::string& out, std::string_view key, std::string_view value) {
  out.append(key).append(": ").append(value).append("\n");
}

std::string_view SpaceName(std::string_view id) {
  size_t slash = id.find('/');
  return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

}  // namespace

bool NeedsYamlQuoting(std::string_view v) {
  if (v.empty()) return true;
  constexpr std::string_view kIndicators = "-?:,[]{}#&*!|>'\"%@`";
  if (kIndicators.find(v.front()) != std::string_view::npos) return true;
  if (v.front() == ' ' || v.back() == ' ' || v.back() == ':') return true;
  // Anything starting like a number (1.0, .5, +1) could be read as one; quoting is harmless.
  if (std::isdigit(static_cast<unsigned char>(v.front())) || v.front() == '.' || v.front() == '+')
    return true;
  if (v.find(": ") != std::string_view::npos || v.find(" #") != std::string_view::npos) return true;
  for (char c : v)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  static constexpr std::array<std::string_view, 11> kReserved = {
      "true", "false", "yes", "no", "on", "off", "null", "~", "y", "n", ".inf"};
  for (auto word : kReserved)
    if (EqualsIgnoreCase(v, word)) return true;
  return false;
}

std::string RenderFrontMatter(const spec::SpaceDeployment& deployment,
                              const spec::SpaceSpec& space) {
  const spec::CardSpec& card = space.card;
  std::string out;
  AddLine(out, "title", YamlValue(card.title ? *card.title : std::string(SpaceName(space.id))));
  if (card.emoji) AddLine(out, "emoji", YamlValue(*card.emoji));
  if (card.color_from) AddLine(out, "colorFrom", YamlValue(*card.color_from));
  if (card.color_to) AddLine(out, "colorTo", YamlValue(*card.color_to));
  AddLine(out, "sdk", "docker");
  AddLine(out, "app_port", std::to_string(deployment.wrapper.port));
  if (card.pinned) AddLine(out, "pinned", *card.pinned ? "true" : "false");
  if (card.license) AddLine(out, "license", YamlValue(*card.license));
  if (card.short_description) AddLine(out, "short_description", YamlValue(*card.short_description));
  return out;
}

SpaceFiles RenderSpaceFiles(const spec::SpaceDeployment& deployment, const spec::SpaceSpec& space,
                            std::string_view version, std::string_view wrapper_ref) {
  const std::string key = deployment.Key();
  const std::string image = deployment.image.repository + ":" + std::string(version);
  const std::string platform = resolve::SpacePlatform(deployment.wrapper);
  const std::string front_matter = RenderFrontMatter(deployment, space);
  const std::string title = space.card.title ? *space.card.title : std::string(SpaceName(space.id));
  const std::vector<Substitution> values = {
      {"Deployment", key},           {"Image", image},
      {"Platform", platform},        {"WrapperRef", wrapper_ref},
      {"FrontMatter", front_matter}, {"Title", title},
  };
  return {Substitute(hf::kHf_space_Dockerfile_tmpl, values),
          Substitute(hf::kHf_space_README_md_tmpl, values)};
}


}  // namespace spaceport::plan
