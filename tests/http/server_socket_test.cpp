// The socket Server against raw clients on loopback: IPv6, raw '[]' in queries, each cap and
// deadline (short test-set deadlines from Server::Options), the connection cap, a thousand idle
// connections while probes keep answering, slow handlers, and Stop() with open streams and slow
// clients. Timed assertions use generous bounds.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/http.h"
#include "http/raw_client.h"
#include "http/response_stream.h"

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;
using testing::RawClient;
using testing::RawResponse;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kWait{5000};

std::unique_ptr<Server> Start(Server::Options options, Server::Handler handler) {
  Result<std::unique_ptr<Server>> server = StartServer(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

Response Ok(std::string body) { return Response{200, {{"Content-Type", "text/plain"}}, std::move(body)}; }

// Answers with the path and raw query; counts calls.
struct Echo {
  std::shared_ptr<std::atomic<int>> calls = std::make_shared<std::atomic<int>>(0);
  Server::Handler handler() const {
    return [calls = calls](const Server::IncomingRequest& r) {
      ++*calls;
      std::string body = r.method + " " + r.path + "?" + r.query;
      if (auto v = r.QueryValue("expand[]")) body += " expand[]=" + *v;
      if (!r.body.empty()) body += " body=" + r.body;
      return Ok(body);
    };
  }
};

std::string Get(std::string_view target) { return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

milliseconds Since(SteadyClock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(SteadyClock::now() - t);
}

TEST(SocketServer, Ipv6LoopbackRoundTripAndBaseUrlInBrackets) {
  Echo echo;
  Server::Options o;
  o.address = "::1";
  auto server = Start(o, echo.handler());
  ASSERT_TRUE(server);
  EXPECT_EQ(server->base_url(), "http://[::1]:" + std::to_string(server->port()));
  RawClient c = RawClient::Connect("::1", server->port());
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.Send(Get("/healthz?x=1")));
  RawResponse r = c.ReadResponse(kWait);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /healthz?x=1");
}

TEST(SocketServer, Ipv6WildcardAlsoAcceptsIpv4) {
  Echo echo;
  Server::Options o;
  o.address = "::";
  auto server = Start(o, echo.handler());
  ASSERT_TRUE(server);
  EXPECT_EQ(server->base_url(), "http://[::1]:" + std::to_string(server->port()));
  for (const char* address : {"::1", "127.0.0.1"}) {
    SCOPED_TRACE(address);
    RawClient c = RawClient::Connect(address, server->port());
    ASSERT_TRUE(c.connected());
    ASSERT_TRUE(c.Send(Get("/a")));
    EXPECT_EQ(c.ReadResponse(kWait).status, 200);
  }
}

TEST(SocketServer, RawBracketsInTheQueryReachTheHandler) {
  Echo echo;
  auto server = Start({}, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send(Get("/api/models/org/name?expand[]=likes")));
  RawResponse r = c.ReadResponse(kWait);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "GET /api/models/org/name?expand[]=likes expand[]=likes");
}

TEST(SocketServer, KeepAliveHeadAndPipelinedRequestsOnOneConnection) {
  Echo echo;
  auto server = Start({}, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send("HEAD /h HTTP/1.1\r\n\r\n" + Get("/one") + "POST /two HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi"));
  // HEAD: the body's length ("HEAD /h?"), no body (ReadResponse reads 8 bytes: check the raw buffer).
  RawResponse head = c.ReadResponse(kWait);
  EXPECT_EQ(head.status, 200);
  EXPECT_NE(head.head.find("Content-Length: 8"), std::string::npos) << head.head;
  // The HEAD reply's "body" read above consumed the next response's first bytes if a body had
  // been sent; a correct HEAD leaves the next status line intact.
  EXPECT_EQ(head.body.substr(0, 5), "HTTP/");
}

TEST(SocketServer, PipelinedRequestsAreAnsweredInOrder) {
  Echo echo;
  auto server = Start({}, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send(Get("/one") + "POST /two HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi" + "HEAD /three HTTP/1.1\r\n\r\n"));
  RawResponse one = c.ReadResponse(kWait);
  RawResponse two = c.ReadResponse(kWait);
  EXPECT_EQ(one.body, "GET /one?");
  EXPECT_EQ(two.body, "POST /two? body=hi");
  // The HEAD answer: headers with the length of "HEAD /three?" and nothing after them.
  const auto deadline = SteadyClock::now() + kWait;
  while (c.buffered().find("\r\n\r\n") == std::string::npos && SteadyClock::now() < deadline) {
    c.ReadUntilClosed(milliseconds(50));
  }
  EXPECT_NE(c.buffered().find("Content-Length: 12\r\n"), std::string::npos) << c.buffered();
  EXPECT_EQ(c.buffered().substr(c.buffered().find("\r\n\r\n") + 4), "");
  EXPECT_EQ(*echo.calls, 3);
}

TEST(SocketServer, Expect100ContinueGetsAnInterimAnswer) {
  Echo echo;
  auto server = Start({}, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send("PUT /up HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  std::string got;
  c.ReadUntilClosed(milliseconds(300), &got);
  EXPECT_EQ(got, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(c.Send("abc"));
  RawResponse r = c.ReadResponse(kWait);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "PUT /up? body=abc");
}

struct CapCase {
  std::string name;
  std::string request;
  int status;
};

class Cap : public ::testing::TestWithParam<CapCase> {};

TEST_P(Cap, IsAnsweredWithoutReachingTheHandlerAndCloses) {
  Echo echo;
  Server::Options o;
  o.max_request_line_bytes = 256;
  o.max_header_bytes = 1024;
  o.max_body_bytes = 100;
  auto server = Start(o, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  c.Send(GetParam().request);
  RawResponse r = c.ReadResponse(kWait);
  EXPECT_EQ(r.status, GetParam().status) << r.head;
  EXPECT_NE(r.head.find("Connection: close"), std::string::npos);
  EXPECT_TRUE(c.ReadUntilClosed(kWait));
  EXPECT_EQ(*echo.calls, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Cap,
    ::testing::Values(
        CapCase{"a_long_request_line_gets_414", Get("/" + std::string(300, 'a')), 414},
        CapCase{"many_header_bytes_get_431", "GET / HTTP/1.1\r\nX-Big: " + std::string(2000, 'b') + "\r\n\r\n", 431},
        CapCase{"a_large_content_length_gets_413_before_the_body",
                "POST / HTTP/1.1\r\nContent-Length: 1000000\r\n\r\n" + std::string(5000, 'x'), 413},
        CapCase{"a_chunked_body_over_the_cap_gets_413",
                "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + std::string(64, 'x') + "\r\n40\r\n" +
                    std::string(64, 'x') + "\r\n",
                413},
        CapCase{"garbage_gets_400", "\x16\x03\x01 not http\r\n\r\n", 400}),
    [](const auto& test_info) { return test_info.param.name; });

struct SlowCase {
  std::string name;
  std::string start;   // sent at once
  std::string drip;    // then one byte per 50 ms, forever
  Server::Options options;
};

Server::Options Deadlines(milliseconds header, milliseconds body_idle, milliseconds request) {
  Server::Options o;
  o.header_timeout = header;
  o.body_idle_timeout = body_idle;
  o.request_timeout = request;
  return o;
}

class Slowloris : public ::testing::TestWithParam<SlowCase> {};

TEST_P(Slowloris, IsCutOffWith408AtItsDeadline) {
  Echo echo;
  auto server = Start(GetParam().options, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  const auto start = SteadyClock::now();
  ASSERT_TRUE(c.Send(GetParam().start));
  std::string got;
  bool closed = false;
  for (size_t i = 0; !closed && Since(start) < milliseconds(10000); ++i) {
    const std::string& drip = GetParam().drip;
    if (!drip.empty() && !c.Send(std::string(1, drip[i % drip.size()]))) break;
    closed = c.ReadUntilClosed(milliseconds(50), &got);
  }
  const milliseconds took = Since(start);
  EXPECT_LT(took, milliseconds(5000));
  EXPECT_GE(took, milliseconds(250));
  EXPECT_EQ(got.substr(0, 12), "HTTP/1.1 408") << got;
  EXPECT_EQ(*echo.calls, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Slowloris,
    ::testing::Values(
        SlowCase{"headers_one_byte_at_a_time_hit_the_header_deadline", "GET / HTTP/1.1\r\n", "X-A: b\r\n",
                 Deadlines(milliseconds(300), milliseconds(10000), milliseconds(10000))},
        SlowCase{"a_stalled_body_hits_the_body_idle_deadline", "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nab", "",
                 Deadlines(milliseconds(10000), milliseconds(300), milliseconds(10000))},
        SlowCase{"a_dripping_body_hits_the_request_deadline", "POST / HTTP/1.1\r\nContent-Length: 100000\r\n\r\n", "x",
                 Deadlines(milliseconds(10000), milliseconds(10000), milliseconds(400))}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(SocketServer, IdleKeepAliveConnectionIsClosedAfterItsTimeout) {
  Echo echo;
  Server::Options o;
  o.keep_alive_timeout = milliseconds(300);
  auto server = Start(o, echo.handler());
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send(Get("/a")));
  EXPECT_EQ(c.ReadResponse(kWait).status, 200);
  ASSERT_TRUE(c.Send(Get("/b")));  // reused within the timeout
  EXPECT_EQ(c.ReadResponse(kWait).status, 200);
  const auto start = SteadyClock::now();
  std::string got;
  EXPECT_TRUE(c.ReadUntilClosed(kWait, &got));
  EXPECT_GE(Since(start), milliseconds(200));
  EXPECT_EQ(got, "");  // closed silently: no request was under way
}

TEST(SocketServer, ConnectionsBeyondTheCapGet503AndTheCapFreesUp) {
  Echo echo;
  Server::Options o;
  o.max_connections = 3;
  auto server = Start(o, echo.handler());
  ASSERT_TRUE(server);
  std::vector<RawClient> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(RawClient::Connect("127.0.0.1", server->port()));
    ASSERT_TRUE(held.back().Send(Get("/held")));  // answered: the server has taken it
    ASSERT_EQ(held.back().ReadResponse(kWait).status, 200);
  }
  RawClient extra = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(extra.connected());
  extra.Send(Get("/extra"));
  RawResponse refused = extra.ReadResponse(kWait);
  EXPECT_EQ(refused.status, 503);
  EXPECT_NE(refused.head.find("Retry-After: 1"), std::string::npos);
  held.pop_back();  // one leaves
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    RawClient again = RawClient::Connect("127.0.0.1", server->port());
    again.Send(Get("/again"));
    served = again.ReadResponse(kWait).status == 200;
    if (!served) std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_TRUE(served);
}

TEST(SocketServer, ThousandIdleConnectionsDoNotSlowProbes) {
  Echo echo;
  auto server = Start({}, echo.handler());
  ASSERT_TRUE(server);
  std::vector<RawClient> idle;
  idle.reserve(1000);
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(RawClient::Connect("127.0.0.1", server->port()));
    ASSERT_TRUE(idle.back().connected()) << i;
    if (i % 2 == 0) idle.back().Send("GET /partial HTTP/1.1\r\nX-Slow: ");  // half are mid-headers
  }
  milliseconds worst{0};
  for (int i = 0; i < 50; ++i) {
    const auto start = SteadyClock::now();
    RawClient c = RawClient::Connect("127.0.0.1", server->port());
    ASSERT_TRUE(c.Send(Get("/healthz")));
    RawResponse r = c.ReadResponse(kWait);
    ASSERT_EQ(r.status, 200);
    worst = std::max(worst, Since(start));
  }
  EXPECT_LT(worst, milliseconds(1000));  // typically well under 5 ms
  EXPECT_EQ(*echo.calls, 50);
}

TEST(SocketServer, ASlowHandlerDoesNotStopOtherConnections) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  Server::Options o;
  o.handler_threads = 2;
  auto server = Start(o, [&](const Server::IncomingRequest& r) {
    if (r.path == "/slow") {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, milliseconds(10000), [&] { return release; });
    }
    return Ok(r.path);
  });
  ASSERT_TRUE(server);
  RawClient slow = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(slow.Send(Get("/slow")));
  for (int i = 0; i < 20; ++i) {
    RawClient c = RawClient::Connect("127.0.0.1", server->port());
    ASSERT_TRUE(c.Send(Get("/fast")));
    RawResponse r = c.ReadResponse(milliseconds(2000));
    ASSERT_EQ(r.status, 200) << i;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  EXPECT_EQ(slow.ReadResponse(kWait).body, "/slow");
  server->Stop();
}

TEST(SocketServer, StopEndsOpenStreamsCutsSlowClientsAndRunsNoHandlerAfter) {
  auto streams = std::make_shared<std::vector<std::shared_ptr<ResponseStream>>>();
  std::mutex mu;
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto server = Start({}, [&, calls](const Server::IncomingRequest& r) {
    ++*calls;
    if (r.path != "/events") return Ok("x");
    auto stream = std::make_shared<ResponseStream>();
    stream->Write("data: hello\n\n");
    std::lock_guard<std::mutex> lock(mu);
    streams->push_back(stream);
    Response out{200, {{"Content-Type", "text/event-stream"}}, ""};
    out.stream = stream;
    return out;
  });
  ASSERT_TRUE(server);
  RawClient reader = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(reader.Send(Get("/events")));
  RawClient sleeper = RawClient::Connect("127.0.0.1", server->port());  // never reads
  ASSERT_TRUE(sleeper.Send(Get("/events")));
  RawClient loris = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(loris.Send("GET /x HTTP/1.1\r\nX-Slow: a"));
  // The reader sees the headers and the first event.
  const auto deadline = SteadyClock::now() + kWait;
  while (reader.buffered().find("data: hello") == std::string::npos && SteadyClock::now() < deadline) {
    reader.ReadUntilClosed(milliseconds(20));
  }
  ASSERT_NE(reader.buffered().find("Transfer-Encoding: chunked"), std::string::npos) << reader.buffered();
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(streams->size(), 2u);
    for (auto& s : *streams) ASSERT_TRUE(s->Write("data: more\n\n"));  // either may be the reader's
  }
  const auto start = SteadyClock::now();
  server->Stop();
  EXPECT_LT(Since(start), milliseconds(3000));
  std::string got;
  EXPECT_TRUE(reader.ReadUntilClosed(kWait, &got));
  EXPECT_NE(got.find("data: more"), std::string::npos);
  EXPECT_EQ(got.substr(got.size() - 5), "0\r\n\r\n") << got;  // the body ended, not a reset
  EXPECT_TRUE(loris.ReadUntilClosed(kWait));
  {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& s : *streams) EXPECT_FALSE(s->Write("data: late\n\n"));
  }
  const int before = *calls;
  RawClient late = RawClient::Connect("127.0.0.1", server->port());
  if (late.connected()) late.Send(Get("/after"));
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(*calls, before);
}

TEST(SocketServer, AStreamToAClientThatDoesNotReadIsClosedAtItsLimit) {
  auto holder = std::make_shared<std::shared_ptr<ResponseStream>>();
  std::mutex mu;
  auto server = Start({}, [&](const Server::IncomingRequest&) {
    auto stream = std::make_shared<ResponseStream>(64 * 1024);
    std::lock_guard<std::mutex> lock(mu);
    *holder = stream;
    Response out{200, {{"Content-Type", "text/event-stream"}}, ""};
    out.stream = stream;
    return out;
  });
  ASSERT_TRUE(server);
  RawClient c = RawClient::Connect("127.0.0.1", server->port());
  ASSERT_TRUE(c.Send(Get("/events")));
  std::shared_ptr<ResponseStream> stream;
  for (int i = 0; i < 200 && !stream; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
    std::lock_guard<std::mutex> lock(mu);
    stream = *holder;
  }
  ASSERT_TRUE(stream);
  const std::string piece(16 * 1024, 'e');
  bool refused = false;
  for (int i = 0; i < 10000 && !refused; ++i) refused = !stream->Write(piece);  // socket buffers fill, then the limit
  EXPECT_TRUE(refused);
  EXPECT_TRUE(stream->closed());
}

}  // namespace
}  // namespace spaceport::http
