// Feeds: arbitrary bytes as what a client sends on one connection to http::RequestParser (the
// HTTP/1.1 parser of the project's own server): request lines, headers, Content-Length and chunked
// bodies, pipelined requests. Byte 0 picks the chunk size the bytes arrive in; byte 1 picks
// small or default limits.
// Checks beyond "no crash": the requests parsed and the final verdict do not depend on how the
// bytes are chunked (whole vs pieces); an error carries one of the documented statuses
// (400, 413, 414, 431, 501, 505) and a reason; no body exceeds max_body_bytes; a complete
// request has a method and a target; kError is final.
#include <string>
#include <vector>

#include "http/request_parser.h"
#include "support/fuzz_check.h"

namespace {
using namespace spaceport::http;

struct Outcome {
  std::vector<std::string> requests;  // method, target, header count, body
  ParseState last = ParseState::kNeedMore;
  int error_status = 0;
};

void Drain(RequestParser& parser, ParseState s, Outcome& out, const ParserLimits& limits) {
  // Bounded: each complete request consumes at least one byte of input.
  for (int guard = 0; s == ParseState::kComplete && guard < 100000; ++guard) {
    ParsedRequest r = parser.TakeRequest();
    FUZZ_CHECK(!r.method.empty() && !r.target.empty(), "a complete request has a method and a target");
    FUZZ_CHECK(r.body.size() <= limits.max_body_bytes, "body within max_body_bytes");
    out.requests.push_back(r.method + " " + r.target + " " + std::to_string(r.headers.items().size()) +
                           " " + r.body);
    s = parser.Feed("");
  }
  out.last = s;
  if (s == ParseState::kError) {
    const int st = parser.error().status;
    FUZZ_CHECK(st == 400 || st == 413 || st == 414 || st == 431 || st == 501 || st == 505,
               "documented error status");
    FUZZ_CHECK(!parser.error().reason.empty(), "an error has a reason");
    out.error_status = st;
  }
}

Outcome Run(std::string_view bytes, size_t chunk, const ParserLimits& limits) {
  RequestParser parser(limits);
  Outcome out;
  for (size_t at = 0; at < bytes.size(); at += chunk) {
    Drain(parser, parser.Feed(bytes.substr(at, chunk)), out, limits);
    if (out.last == ParseState::kError) {
      FUZZ_CHECK(parser.Feed("x") == ParseState::kError, "kError is final");
      break;
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = 1 + data[0] % 64;
  ParserLimits limits;
  if (data[1] & 1) limits = ParserLimits{.max_request_line_bytes = 64, .max_header_bytes = 128, .max_body_bytes = 64};
  const std::string_view bytes = FuzzText(data + 2, size - 2);
  const Outcome whole = Run(bytes, bytes.size() + 1, limits);
  const Outcome pieces = Run(bytes, chunk, limits);
  FUZZ_CHECK(whole.requests == pieces.requests, "chunking does not change the requests");
  FUZZ_CHECK(whole.last == pieces.last, "chunking does not change the verdict");
  FUZZ_CHECK(whole.error_status == pieces.error_status, "chunking does not change the error");
  return 0;
}
