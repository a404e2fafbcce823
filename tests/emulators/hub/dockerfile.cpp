#include "emulators/hub/dockerfile.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

namespace spaceport::hub_emulator {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Logical instructions: comment lines dropped, backslash continuations joined.
std::vector<std::string> Instructions(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (!line.empty() && line[0] == '#') continue;
    const bool continues = !line.empty() && line.back() == '\\';
    if (continues) line.pop_back();
    current += (current.empty() ? "" : " ") + Trim(line);
    if (!continues && !Trim(current).empty()) {
      out.push_back(Trim(current));
      current.clear();
    }
  }
  if (!Trim(current).empty()) out.push_back(Trim(current));
  return out;
}

using Args = std::map<std::string, std::string>;

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Substitute(const std::string& s, const Args& args) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '$' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    std::string name;
    std::optional<std::string> fallback;
    if (s[i + 1] == '{') {
      const size_t close = s.find('}', i + 2);
      if (close == std::string::npos) {
        out += s.substr(i);
        break;
      }
      name = s.substr(i + 2, close - i - 2);
      if (const size_t dash = name.find(":-"); dash != std::string::npos) {
        fallback = name.substr(dash + 2);
        name = name.substr(0, dash);
      }
      i = close;
    } else {
      size_t j = i + 1;
      while (j < s.size() && IsNameChar(s[j])) ++j;
      if (j == i + 1) {
        out += '$';
        continue;
      }
      name = s.substr(i + 1, j - i - 1);
      i = j - 1;
    }
    const auto it = args.find(name);
    if (it != args.end() && !it->second.empty()) {
      out += it->second;
    } else if (fallback) {
      out += *fallback;
    }
  }
  return out;
}

}  // namespace

BaseImages FindBaseImages(std::string_view dockerfile, const Args& build_args) {
  BaseImages result;
  Args global_args;
  std::vector<std::string> stages;
  bool seen_from = false;
  for (const std::string& instruction : Instructions(dockerfile)) {
    const std::vector<std::string> words = Words(instruction);
    const std::string keyword = Lower(words[0]);
    if (keyword == "arg" && !seen_from) {
      for (size_t i = 1; i < words.size(); ++i) {
        const size_t eq = words[i].find('=');
        const std::string name = words[i].substr(0, eq);
        std::string value = eq == std::string::npos ? "" : words[i].substr(eq + 1);
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
          value = value.substr(1, value.size() - 2);
        }
        const auto given = build_args.find(name);
        global_args[name] = given != build_args.end() ? given->second : value;
      }
      continue;
    }
    if (keyword != "from") continue;
    seen_from = true;
    size_t i = 1;
    while (i < words.size() && words[i].rfind("--", 0) == 0) ++i;  // --platform=…
    if (i >= words.size()) {
      result.error = "FROM requires an image: \"" + instruction + "\"";
      return result;
    }
    const std::string image = Substitute(words[i], global_args);
    if (image.empty()) {
      result.error = "base name (" + words[i] + ") should not be blank";
      return result;
    }
    const bool earlier_stage =
        std::find(stages.begin(), stages.end(), Lower(image)) != stages.end();
    if (!earlier_stage && Lower(image) != "scratch") result.images.push_back(image);
    if (i + 2 < words.size() && Lower(words[i + 1]) == "as") stages.push_back(Lower(words[i + 2]));
  }
  if (!seen_from) result.error = "the Dockerfile has no FROM instruction";
  return result;
}

}  // namespace spaceport::hub_emulator
