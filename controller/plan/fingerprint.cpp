#include "plan/fingerprint.h"

namespace spaceport::plan {
namespace {

constexpr size_t kHexDigits = 64;

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

}  // namespace

std::string FormatFingerprintDescription(std::string_view fingerprint_hex) {
  return std::string(kFingerprintPrefix) + std::string(fingerprint_hex);
}

std::optional<std::string> ParseFingerprint(std::string_view description) {
  size_t at = description.find(kFingerprintPrefix);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = description.substr(at + kFingerprintPrefix.size());
  if (rest.size() < kHexDigits) return std::nullopt;
  for (size_t i = 0; i < kHexDigits; ++i)
    if (!IsLowerHex(rest[i])) return std::nullopt;
  // 65 hex digits is not a fingerprint with a trailing digit; it is not ours.
  if (rest.size() > kHexDigits && IsLowerHex(rest[kHexDigits])) return std::nullopt;
  return std::string(rest.substr(0, kHexDigits));
}

std::string ShortFingerprint(std::string_view fingerprint_hex) {
  return std::string(fingerprint_hex.substr(0, 8)) + "…";
}

}  // namespace spaceport::plan
