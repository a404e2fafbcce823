#include "spec/quote.h"

#include "base/quote.h"

namespace spaceport::spec {
namespace {

// Long enough for any legitimate field value, short enough to keep a message on one line.
constexpr size_t kMaxQuotedChars = 80;

}  // namespace

std::string Quote(std::string_view value) {
  const bool cut = value.size() > kMaxQuotedChars;
  size_t shown_size = cut ? kMaxQuotedChars : value.size();
  // Never cut inside a UTF-8 sequence: back up to the start of a character.
  while (cut && shown_size > 0 && (static_cast<unsigned char>(value[shown_size]) & 0xC0) == 0x80) {
    --shown_size;
  }
  const std::string_view shown = value.substr(0, shown_size);
  std::string out = DoubleQuoted(shown);
  if (cut) out.insert(out.size() - 1, "...");
  if (cut) out += " (" + std::to_string(value.size()) + " characters)";
  return out;
}

}  // namespace spaceport::spec
