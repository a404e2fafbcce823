// RequestParser: bytes in, a request or a typed error out. Table tests; the cases name the outcome.
#include "http/request_parser.h"

#include <gtest/gtest.h>

namespace spaceport::http {
namespace {

ParserLimits Small() {
  ParserLimits l;
  l.max_request_line_bytes = 64;
  l.max_header_bytes = 128;
  l.max_body_bytes = 16;
  return l;
}

struct ErrorCase {
  std::string name;
  std::string bytes;
  int status;
};

class RefusedRequest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RefusedRequest, GetsTheStatusToAnswer) {
  RequestParser p(Small());
  EXPECT_EQ(p.Feed(GetParam().bytes), ParseState::kError);
  EXPECT_EQ(p.error().status, GetParam().status) << p.error().reason;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RefusedRequest,
    ::testing::Values(
        ErrorCase{"no_version_is_400", "GET /\r\n\r\n", 400},
        ErrorCase{"a_control_byte_in_the_target_is_400", std::string("GET /a\x01 HTTP/1.1\r\n\r\n"), 400},
        ErrorCase{"two_spaces_is_400", "GET  / HTTP/1.1\r\n\r\n", 400},
        ErrorCase{"http_2_is_505", "GET / HTTP/2.0\r\n\r\n", 505},
        ErrorCase{"a_long_request_line_is_414", "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", 414},
        ErrorCase{"a_long_request_line_without_newline_yet_is_414", "GET /" + std::string(100, 'a'), 414},
        ErrorCase{"headers_over_the_cap_are_431", "GET / HTTP/1.1\r\nX: " + std::string(200, 'v') + "\r\n\r\n", 431},
        ErrorCase{"many_small_headers_over_the_cap_are_431",
                  "GET / HTTP/1.1\r\n"
                      "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\nF: 6\r\nG: 7\r\nH: 8\r\nI: 9\r\nJ: 10\r\nK: 11\r\n"
                      "L: 12\r\nM: 13\r\nN: 14\r\nO: 15\r\nP: 16\r\nQ: 17\r\nR: 18\r\nS: 19\r\nT: 20\r\n\r\n",
                  431},
        ErrorCase{"a_header_without_colon_is_400", "GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
        ErrorCase{"space_before_the_colon_is_400", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        ErrorCase{"line_folding_is_400", "GET / HTTP/1.1\r\nA: 1\r\n  more\r\n\r\n", 400},
        ErrorCase{"content_length_over_the_cap_is_413_before_the_body", "POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", 413},
        ErrorCase{"a_chunked_body_growing_over_the_cap_is_413",
                  "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n9\r\n", 413},
        ErrorCase{"length_and_chunked_together_is_400",
                  "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        ErrorCase{"two_different_lengths_is_400", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
        ErrorCase{"a_negative_length_is_400", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400},
        ErrorCase{"gzip_transfer_coding_is_501", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        ErrorCase{"a_bad_chunk_size_is_400", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        ErrorCase{"chunk_data_without_crlf_is_400", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX", 400}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(RequestParser, RawBracketsInTheQueryReachTheRequest) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("GET /api/spaces/a/b?expand[]=likes&expand[]=sha HTTP/1.1\r\nHost: h\r\n\r\n"), ParseState::kComplete);
  EXPECT_EQ(p.request().path, "/api/spaces/a/b");
  EXPECT_EQ(p.request().query, "expand[]=likes&expand[]=sha");
}

TEST(RequestParser, PathIsDecodedQueryIsRawAndHeadersStaySeparate) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("GET /v2/a%20b/x?q=a%20b+c HTTP/1.1\r\nLink: a\r\nlink: b\r\nHost:  h \r\n\r\n"), ParseState::kComplete);
  EXPECT_EQ(p.request().path, "/v2/a b/x");
  EXPECT_EQ(p.request().query, "q=a%20b+c");
  EXPECT_EQ(p.request().headers.GetAll("LINK"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(p.request().headers.Get("host"), "h");
  EXPECT_TRUE(p.request().keep_alive);
}

TEST(RequestParser, AbsoluteFormKeepsPathAndQuery) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("GET http://example.test:80/x/y?z=1 HTTP/1.1\r\n\r\n"), ParseState::kComplete);
  EXPECT_EQ(p.request().path, "/x/y");
  EXPECT_EQ(p.request().query, "z=1");
}

TEST(RequestParser, ByteByByteFeedingYieldsTheSameRequestAsOneFeed) {
  const std::string bytes = "POST /hooks/github HTTP/1.1\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello";
  RequestParser p({});
  for (size_t i = 0; i + 1 < bytes.size(); ++i) {
    ASSERT_EQ(p.Feed(std::string_view(&bytes[i], 1)), ParseState::kNeedMore) << i;
    EXPECT_EQ(p.headers_done(), i + 1 >= bytes.size() - 5);
  }
  ASSERT_EQ(p.Feed(std::string_view(&bytes.back(), 1)), ParseState::kComplete);
  EXPECT_EQ(p.request().body, "hello");
  EXPECT_EQ(p.request().method, "POST");
}

TEST(RequestParser, ChunkedBodyIsDecodedAndTrailersDropped) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\n"),
            ParseState::kComplete);
  EXPECT_EQ(p.request().body, "hello world");
  EXPECT_FALSE(p.request().headers.Has("X-T"));
}

TEST(RequestParser, PipelinedRequestsComeOutInOrder) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 2\r\n\r\nhiGET /c HTTP/1.1\r\n"), ParseState::kComplete);
  EXPECT_EQ(p.TakeRequest().path, "/a");
  ASSERT_EQ(p.Feed(""), ParseState::kComplete);
  ParsedRequest b = p.TakeRequest();
  EXPECT_EQ(b.path, "/b");
  EXPECT_EQ(b.body, "hi");
  EXPECT_EQ(p.Feed(""), ParseState::kNeedMore);
  EXPECT_FALSE(p.idle());
  ASSERT_EQ(p.Feed("\r\n"), ParseState::kComplete);
  EXPECT_EQ(p.TakeRequest().path, "/c");
  EXPECT_TRUE(p.idle());
}

TEST(RequestParser, ConnectionCloseAndHttp10EndKeepAlive) {
  RequestParser a({});
  ASSERT_EQ(a.Feed("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), ParseState::kComplete);
  EXPECT_FALSE(a.request().keep_alive);
  RequestParser b({});
  ASSERT_EQ(b.Feed("GET / HTTP/1.0\r\n\r\n"), ParseState::kComplete);
  EXPECT_FALSE(b.request().keep_alive);
  EXPECT_EQ(b.request().version_minor, 0);
}

TEST(RequestParser, ExpectContinueIsReportedOnceHeadersAreDone) {
  RequestParser p({});
  ASSERT_EQ(p.Feed("PUT / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"), ParseState::kNeedMore);
  EXPECT_TRUE(p.headers_done());
  EXPECT_TRUE(p.request().expects_continue);
  EXPECT_EQ(p.Feed("abc"), ParseState::kComplete);
}

TEST(RequestParser, ErrorIsFinal) {
  RequestParser p(Small());
  ASSERT_EQ(p.Feed("BAD\r\n"), ParseState::kError);
  EXPECT_EQ(p.Feed("GET / HTTP/1.1\r\n\r\n"), ParseState::kError);
}

}  // namespace
}  // namespace spaceport::http
