// The head of a response as the server writes it: the status line, the handler's headers with CR,
// LF and NUL neutralised (a handler may echo client input into a header), and the framing headers
// derived from the body and the connection's fate rather than taken from the handler
// (Content-Length, Transfer-Encoding, Connection). Pure functions, used by server_socket.cpp.
//
//   std::string head = http::SerializeHead(response, response.body.size(), /*close=*/false,
//                                          /*chunked=*/false);
#pragma once

#include <string>
#include <string_view>

#include "http/http.h"

namespace spaceport::http {

// `value` with every CR, LF and NUL replaced by a space.
std::string SafeHeaderValue(std::string_view value);

// Status line and headers of `response`, ending in the blank line. `body_length` < 0 with
// `chunked` for a streamed body; no Content-Length for 1xx, 204 and 304; a body without a
// Content-Type gets application/octet-stream.
std::string SerializeHead(const Response& response, long long body_length, bool close, bool chunked);

// Whether the handler asked for the connection to close (Connection: close).
bool WantsClose(const Response& response);

}  // namespace spaceport::http
