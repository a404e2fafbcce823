// WWW-Authenticate parsing (RFC 7235 §4.1): the challenges a registry sends with a 401.
//
// A header value may hold several challenges, and cpprestsdk joins repeated headers with ", ",
// so commas separate both challenges and the parameters inside one. Quoted values may contain
// commas ("pull,push") and backslash escapes. Parameter names are case-insensitive and stored
// lower-cased; the scheme is compared case-insensitively.
//
//   auto cs = oci::ParseChallenges(
//       R"(Bearer
//       realm="https://ghcr.io/token",service="ghcr.io",scope="repository:a/b:pull,push")");
//   cs->at(0).scheme == "Bearer"; cs->at(0).Param("scope") == "repository:a/b:pull,push";
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace spaceport::oci {

struct Challenge {
  std::string scheme;                                       // as sent ("Bearer", "Basic")
  std::vector<std::pair<std::string, std::string>> params;  // lower-cased names, unquoted values
  std::string token68;                                      // rare: "Negotiate abc==" style

  bool Is(std::string_view s) const;               // scheme, case-insensitive
  std::string Param(std::string_view name) const;  // "" when absent
};

// Fails (kInvalidArgument) on an unterminated quoted string or a value without a scheme.
Result<std::vector<Challenge>> ParseChallenges(std::string_view header_value);

}  // namespace spaceport::oci
