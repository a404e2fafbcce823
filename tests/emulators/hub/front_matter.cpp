#include "emulators/hub/front_matter.h"

#include <yaml-cpp/yaml.h>

#include <regex>

namespace spaceport::hub_emulator {
namespace {

Json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return Json(text);  // quoted: always a string
  if (text == "true" || text == "True") return Json(true);
  if (text == "false" || text == "False") return Json(false);
  if (text == "null" || text == "~" || text.empty()) return Json(nullptr);
  static const std::regex kNumber(R"(-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kNumber)) return Json::NumberLexeme(text);
  return Json(text);
}

Json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      Json out = Json::Array();
      for (const YAML::Node& item : node) out.Push(ToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::Object();
      for (const auto& item : node) out.Set(item.first.as<std::string>(), ToJson(item.second));
      return out;
    }
    case YAML::NodeType::Scalar:
      return ScalarToJson(node);
    default:
      return Json(nullptr);
  }
}

// The block between a first line "---" and the next line "---"; nullopt when absent.
std::optional<std::string_view> Block(std::string_view readme) {
  auto first_line_end = readme.find('\n');
  if (first_line_end == std::string_view::npos) return std::nullopt;
  std::string_view first = readme.substr(0, first_line_end);
  if (!first.empty() && first.back() == '\r') first.remove_suffix(1);
  if (first != "---") return std::nullopt;
  size_t pos = first_line_end + 1;
  while (pos <= readme.size()) {
    size_t end = readme.find('\n', pos);
    if (end == std::string_view::npos) end = readme.size();
    std::string_view line = readme.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "---") return readme.substr(first_line_end + 1, pos - first_line_end - 1);
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

FrontMatter ParseFrontMatter(std::string_view readme) {
  FrontMatter out;
  const std::optional<std::string_view> block = Block(readme);
  if (!block) return out;
  out.present = true;
  try {
    const YAML::Node root = YAML::Load(std::string(*block));
    if (root.IsNull()) {
      out.data = Json::Object();
    } else if (!root.IsMap()) {
      out.error = "README front matter is not a mapping";
    } else {
      out.data = ToJson(root);
    }
  } catch (const YAML::Exception& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace spaceport::hub_emulator
