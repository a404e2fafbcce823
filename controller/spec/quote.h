// Quoting user-written values inside diagnostic messages.
//
// Values come from files and may hold quotes, newlines or megabytes of text; a diagnostic must
// stay one readable line. Quote() writes the value in double quotes with escapes and cuts it to
// a bounded length, so `got "ab\"c"` and `got "aaaa…" (300 characters)` are both single lines.
//
//   Quote("grok2api")  →  "\"grok2api\""
#pragma once

#include <string>
#include <string_view>

namespace spaceport::spec {

std::string Quote(std::string_view value);

}  // namespace spaceport::spec
