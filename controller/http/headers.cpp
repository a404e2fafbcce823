#include <algorithm>

#include "base/ascii.h"
#include "http/http.h"

namespace spaceport::http {

void Headers::Set(std::string_view name, std::string value) {
  Remove(name);
  items_.emplace_back(std::string(name), std::move(value));
}

void Headers::Remove(std::string_view name) {
  std::erase_if(items_, [name](const auto& item) { return EqualsIgnoreCase(item.first, name); });
}

std::optional<std::string> Headers::Get(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (EqualsIgnoreCase(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> Headers::GetAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : items_) {
    if (EqualsIgnoreCase(key, name)) values.push_back(value);
  }
  return values;
}

}  // namespace spaceport::http
