// The RFC 8288 `Link` header as registries (tag lists) and GitHub (workflow runs) use it to paginate:
//   Link: </v2/owner/app/tags/list?last=v1.9&n=100>; rel="next"
// Repeated Link headers may arrive as separate values or joined by ", " (cpprestsdk); commas
// inside <…> and quoted parameters do not split links.
//
//   std::optional<std::string> next = http::NextLink(response.headers.GetAll("Link"));
//   // "/v2/owner/app/tags/list?last=v1.9&n=100"; resolve it against the request URL
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spaceport::http {

// The target of the first link whose rel (a space-separated list) contains "next".
std::optional<std::string> NextLink(const std::vector<std::string>& link_header_values);

}  // namespace spaceport::http
