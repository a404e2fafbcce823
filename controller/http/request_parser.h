// An incremental HTTP/1.1 request parser: bytes in, one request (or a typed error) out. It has no
// sockets, clocks or threads in it, so the Server's event loop feeds it whatever arrived and a
// fuzzer can feed it anything; every limit a hostile client could abuse is a ParserLimits field.
//
// What it accepts (RFC 9112): a request line `METHOD SP target SP HTTP/1.x`, header fields,
// and a body framed by Content-Length or by chunked Transfer-Encoding (chunk extensions and
// trailers are read and dropped). The target is taken leniently — any visible ASCII or UTF-8 byte
// — so a raw `[]` in a query (`?expand[]=likes`, as the Hub's JS client sends) reaches the
// handler; control characters and spaces do not. What it refuses, with the status to answer:
//   400 malformed request line, header or chunk; Content-Length and Transfer-Encoding together
//       or two different Content-Lengths (request smuggling); obsolete line folding
//   413 a body over max_body_bytes (known from Content-Length before the body is read)
//   414 a request line over max_request_line_bytes
//   431 header fields (and trailers) over max_header_bytes in total
//   501 a Transfer-Encoding other than chunked
//   505 an HTTP version other than 1.0 and 1.1
// Bytes after a complete request (a pipelined next request) stay buffered for the next one.
//
//   RequestParser parser({});
//   ParseState s = parser.Feed(bytes_from_socket);
//   if (s == ParseState::kComplete) handle(parser.TakeRequest());  // then Feed("") for the rest
//   if (s == ParseState::kError) answer(parser.error().status);
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/http.h"

namespace spaceport::http {

struct ParserLimits {
  size_t max_request_line_bytes = 8 * 1024;
  size_t max_header_bytes = 32 * 1024;  // all header lines (and trailer lines) together
  size_t max_body_bytes = 1024 * 1024;
};

enum class ParseState {
  kNeedMore,  // nothing complete yet; feed more bytes
  kComplete,  // request() holds a whole request; TakeRequest() to start the next
  kError,     // error() says why; the connection should answer and close
};

struct ParseError {
  int status = 0;      // the HTTP status to answer with (400, 413, 414, 431, 501, 505)
  std::string reason;  // a short phrase for the answer's body, never the client's bytes
};

struct ParsedRequest {
  std::string method;
  std::string target;  // as sent
  std::string path;    // decoded, without query
  std::string query;   // raw, without '?'
  int version_minor = 1;  // HTTP/1.<minor>
  Headers headers;        // in arrival order, not merged
  std::string body;       // de-chunked
  bool keep_alive = true;       // HTTP/1.1 unless "Connection: close"; HTTP/1.0 never
  bool expects_continue = false;  // "Expect: 100-continue"
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits) : limits_(limits) {}

  // Appends bytes and parses as far as they allow. After kComplete or kError, further Feeds do
  // nothing until TakeRequest() (kError is final).
  ParseState Feed(std::string_view bytes);
  // The request being read: its line and headers are valid once headers_done().
  const ParsedRequest& request() const { return request_; }
  // Moves the complete request out and parses any buffered bytes of the next one.
  ParsedRequest TakeRequest();
  const ParseError& error() const { return error_; }
  // True once the request line and headers are read (the body may still be coming).
  bool headers_done() const { return phase_ != Phase::kRequestLine && phase_ != Phase::kHeaders; }
  // True when no byte of a next request has arrived (an idle keep-alive connection).
  bool idle() const { return phase_ == Phase::kRequestLine && buffer_.empty(); }

 private:
  enum class Phase { kRequestLine, kHeaders, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kDone, kError };
  ParseState Run();
  ParseState Fail(int status, std::string reason);
  bool ParseRequestLine(std::string_view line);
  bool AddHeaderLine(std::string_view line);
  bool FinishHeaders();

  ParserLimits limits_;
  Phase phase_ = Phase::kRequestLine;
  std::string buffer_;     // unparsed bytes
  size_t header_bytes_ = 0;
  size_t body_remaining_ = 0;  // Content-Length left, or the current chunk's bytes left
  ParsedRequest request_;
  ParseError error_;
};

}  // namespace spaceport::http
