// Text helpers of the OCI client's parsers beyond base/ascii.h.
//
//   oci::text::MediaTypeOnly("application/json; charset=utf-8") == "application/json"
#pragma once

#include <string>
#include <string_view>

#include "base/ascii.h"

namespace spaceport::oci::text {

// The media type without parameters: "application/json; charset=utf-8" → "application/json".
inline std::string MediaTypeOnly(std::string_view content_type) {
  size_t semi = content_type.find(';');
  return AsciiLower(AsciiTrim(content_type.substr(0, semi)));
}

}  // namespace spaceport::oci::text
