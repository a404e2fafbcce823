// Query strings: decoding and splitting "a=1&scope=x&scope=y" into ordered key/value pairs.
// Keys may repeat (the OCI token endpoint receives scope=a&scope=b), and in a query '+' means a
// space (HTML form encoding, which registries and the Hub use). Building a query is the reverse:
// "key=" + UrlEncode(value) joined with '&'.
//
//   auto params = http::ParseQuery("service=reg&scope=repo%3Aa%3Apull&scope=b+c");
//   // {{"service","reg"}, {"scope","repo:a:pull"}, {"scope","b c"}}
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spaceport::http {

// Percent-decodes; a malformed escape ("%zz", a trailing '%') is kept literally.
std::string UrlDecode(std::string_view s, bool plus_is_space);

// Pairs in order. "flag" (no '=') yields {"flag", ""}; empty segments ("a=1&&b=2") are skipped.
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view query);

}  // namespace spaceport::http
