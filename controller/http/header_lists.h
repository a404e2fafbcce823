// Splitting list-valued header fields. HTTP lets a header repeat or carry a comma-separated
// list, and cpprestsdk merges repeats into one value joined by ", ", so a registry's two Link
// headers arrive as one string. These helpers split such a value at top-level commas only:
// commas inside quoted strings ("a,b") and inside <URI> brackets stay put.
//
//   SplitHeaderList(R"(</v2/x?n=1,2>; rel="next", <https://y>; rel="other")")
//     → {R"(</v2/x?n=1,2>; rel="next")", R"(<https://y>; rel="other")"}
//   SplitChallenges(R"(Bearer realm="https://a/token",service="r", Basic realm="x")")
//     → {R"(Bearer realm="https://a/token",service="r")", R"(Basic realm="x")"}
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spaceport::http {

// Elements of a comma-separated header value, trimmed, empty elements dropped.
std::vector<std::string> SplitHeaderList(std::string_view value);

// WWW-Authenticate / Proxy-Authenticate: one string per challenge ("scheme params..."). Commas
// separate both challenges and the auth-params inside one, so a new challenge is recognised by
// its leading "scheme SP" or a bare scheme token.
std::vector<std::string> SplitChallenges(std::string_view value);

}  // namespace spaceport::http
