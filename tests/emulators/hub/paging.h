// Cursor paging as the Hub does it for tree listings and commit lists: a page of at most
// `page_size` entries and, when more follow, `Link: <absolute next URL>; rel="next"` (the JS
// client accepts only absolute http(s) URLs there). The cursor is an opaque query parameter
// (here the offset) added to the request's own path and query.
//
//   Page page = Paginate(entries.size(), state.options.page_size, call, state.base_url);
//   for (size_t i = page.begin; i < page.end; ++i) ...;
//   if (page.next) response.headers.Add("Link", "<" + *page.next + ">; rel=\"next\"");
#pragma once

#include <optional>
#include <string>

#include "emulators/hub/routes.h"

namespace spaceport::hub_emulator {

struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next;  // absolute URL of the next page
};

Page Paginate(size_t total, size_t page_size, const Call& call, const std::string& base_url);
void AddNextLink(http::Response& response, const Page& page);

}  // namespace spaceport::hub_emulator
