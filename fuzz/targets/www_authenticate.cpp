// Feeds: arbitrary bytes as a `WWW-Authenticate` header value to oci::ParseChallenges (RFC 7235
// challenges, quoted strings with escapes, token68, several challenges joined by ", ").
// Checks beyond "no crash": every parsed challenge has a non-empty scheme without spaces or
// commas, parameter names are lower-case, Param() finds each stored parameter, Is() matches the
// scheme case-insensitively, and parsing is deterministic.
#include <cctype>
#include <string>

#include "clients/oci/challenge.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::oci;
  const std::string_view text = FuzzText(data, size);
  spaceport::Result<std::vector<Challenge>> cs = ParseChallenges(text);
  spaceport::Result<std::vector<Challenge>> again = ParseChallenges(text);
  FUZZ_CHECK(cs.ok() == again.ok(), "deterministic");
  if (!cs.ok()) return 0;
  FUZZ_CHECK(cs->size() == again->size(), "deterministic count");
  for (const Challenge& c : *cs) {
    FUZZ_CHECK(!c.scheme.empty(), "scheme not empty");
    FUZZ_CHECK(c.scheme.find_first_of(" ,\t") == std::string::npos, "scheme is one token");
    std::string upper = c.scheme;
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    FUZZ_CHECK(c.Is(upper), "Is() ignores case");
    for (const auto& [name, value] : c.params) {
      for (char ch : name)
        FUZZ_CHECK(!(ch >= 'A' && ch <= 'Z'), "parameter names lower-cased");
      bool first = true;  // Param() returns the first of repeated names
      for (const auto& [n2, v2] : c.params)
        if (n2 == name) { if (first) FUZZ_CHECK(c.Param(name) == v2, "Param finds the value"); first = false; }
    }
  }
  return 0;
}
