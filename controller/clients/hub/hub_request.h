// Small helpers the HubClient's files share (hub_client.cpp, hub_files.cpp, hub_settings.cpp,
// hub_logs.cpp): not part of the client's interface, hence a header of its own that only those
// files include.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/http.h"

namespace spaceport::hub::detail {

// The largest answer read from the Hub outside a log stream: JSON answers (a Space list page of
// 500 Spaces with runtime and card data is about 2 MiB) and the small files a Docker Space holds
// (files that need LFS are refused). The transport stops reading past it (http::Request).
inline constexpr size_t kMaxAnswerBytes = size_t{8} << 20;

inline bool IsSuccess(int status) { return status >= 200 && status < 300; }

inline bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// "GET info of owner/app": how messages name an operation on one Space.
inline std::string Named(std::string_view what, std::string_view space_id) {
  return std::string(what) + " " + std::string(space_id);
}

// A bodiless request; `accept` empty = no Accept header.
inline http::Request NewRequest(std::string method, std::string url, std::string_view accept = "") {
  http::Request r;
  r.method = std::move(method);
  r.url = std::move(url);
  if (!accept.empty()) r.headers.Set("Accept", std::string(accept));
  return r;
}

}  // namespace spaceport::hub::detail
