// The head the server writes for a response (http/response_head.h), as a table: what the handler
// gave, what goes on the wire. The framing headers are the server's, never the handler's, and no
// header value can split the head.
#include "http/response_head.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "http/status_codes.h"

namespace spaceport::http {
namespace {

struct HeadCase {
  const char* name;
  Response response;
  long long body_length;
  bool close;
  bool chunked;
  std::string want;
};

TEST(SerializeHead, FramingIsDerivedAndValuesCannotSplitTheHead) {
  const std::vector<HeadCase> cases = {
      {"a body gets its length and a default type", {200, {}, ""}, 5, false, false,
       "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 5\r\n\r\n"},
      {"the handler's type is kept", {404, {{"Content-Type", "text/plain"}}, ""}, 3, false, false,
       "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n"},
      {"the handler's framing headers are dropped for the server's",
       {200, {{"Content-Length", "99"}, {"Transfer-Encoding", "gzip"}, {"Connection", "keep-alive"}}, ""},
       0, true, false, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"},
      {"a stream is chunked", {200, {{"Content-Type", "text/event-stream"}}, ""}, -1, false, true,
       "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"204 and 304 carry no length", {204, {}, ""}, 0, false, false, "HTTP/1.1 204 No Content\r\n\r\n"},
      {"CR, LF and NUL in a value become spaces", {302, {{"Location", "/a\r\nSet-Cookie: x=1"}}, ""}, 0, false, false,
       "HTTP/1.1 302 Found\r\nLocation: /a  Set-Cookie: x=1\r\nContent-Length: 0\r\n\r\n"},
      {"an unknown code still makes a status line", {299, {}, ""}, 0, false, false,
       "HTTP/1.1 299 Status\r\nContent-Length: 0\r\n\r\n"},
  };
  for (const HeadCase& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(SerializeHead(c.response, c.body_length, c.close, c.chunked), c.want);
  }
}

TEST(WantsClose, OnlyAConnectionHeaderSayingCloseClosesTheConnection) {
  EXPECT_TRUE(WantsClose({200, {{"Connection", "Close"}}, ""}));
  EXPECT_TRUE(WantsClose({200, {{"Connection", "keep-alive, close"}}, ""}));
  EXPECT_FALSE(WantsClose({200, {{"Connection", "keep-alive"}}, ""}));
  EXPECT_FALSE(WantsClose({200, {}, ""}));
}

TEST(StatusText, IsTheStandardPhraseForTheCodesTheServerSends) {
  EXPECT_EQ(StatusText(200), "OK");
  EXPECT_EQ(StatusText(413), "Content Too Large");
  EXPECT_EQ(StatusText(429), "Too Many Requests");
  EXPECT_EQ(StatusText(503), "Service Unavailable");
  EXPECT_EQ(StatusText(299), "Status");
}

}  // namespace
}  // namespace spaceport::http
