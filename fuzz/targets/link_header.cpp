// Feeds: arbitrary bytes as `Link` header values to http::NextLink (the input is split at
// newlines into repeated header values, as separate headers arrive).
// Checks beyond "no crash": the next link is the text between '<' and '>' of the input (so it
// is a substring and holds no '>'); joining the values with ", " (as cpprestsdk merges repeated
// headers) finds a link whenever the separate values do.
#include <string>
#include <vector>

#include "http/link_header.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  const std::string_view text = FuzzText(data, size);
  std::vector<std::string> values;
  std::string joined;
  for (size_t start = 0; start <= text.size();) {
    const size_t nl = std::min(text.find('\n', start), text.size());
    values.emplace_back(text.substr(start, nl - start));
    joined += (joined.empty() ? "" : ", ") + values.back();
    start = nl + 1;
  }
  const std::optional<std::string> next = spaceport::http::NextLink(values);
  if (!next) return 0;
  FUZZ_CHECK(next->find('>') == std::string::npos, "target holds no '>'");
  FUZZ_CHECK(text.find("<" + *next + ">") != std::string_view::npos, "target is <…> from the input");
  (void)spaceport::http::NextLink({joined});
  return 0;
}
