#include "emulators/hub/paging.h"

#include <algorithm>

#include "http/query.h"

namespace spaceport::hub_emulator {
namespace {

// Percent-encodes a decoded path for a URL, keeping '/'.
std::string EncodePath(const std::string& path) {
  std::string out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    out += http::UrlEncode(path.substr(pos, end - pos));
    if (end < path.size()) out += '/';
    pos = end + 1;
  }
  return out;
}

}  // namespace

Page Paginate(size_t total, size_t page_size, const Call& call, const std::string& base_url) {
  Page page;
  page_size = std::max<size_t>(1, page_size);
  const std::string cursor = call.request.QueryValue("cursor").value_or("0");
  page.begin = std::min(total, static_cast<size_t>(std::strtoull(cursor.c_str(), nullptr, 10)));
  page.end = std::min(total, page.begin + page_size);
  if (page.end < total) {
    std::string query;
    for (const auto& [key, value] : http::ParseQuery(call.request.query)) {
      if (key == "cursor") continue;
      query += (query.empty() ? "" : "&") + http::UrlEncode(key) + "=" + http::UrlEncode(value);
    }
    query += (query.empty() ? "" : "&") + std::string("cursor=") + std::to_string(page.end);
    page.next = base_url + EncodePath(call.request.path) + "?" + query;
  }
  return page;
}

void AddNextLink(http::Response& response, const Page& page) {
  if (page.next) response.headers.Add("Link", "<" + *page.next + ">; rel=\"next\"");
}

}  // namespace spaceport::hub_emulator
