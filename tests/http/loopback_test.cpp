// End-to-end: the cpprestsdk Transport and Client against real http::Server instances on
// 127.0.0.1 with kernel-picked ports. Nothing leaves the machine.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "http/header_lists.h"
#include "http/http.h"

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;

// Requests a server saw, shared with its handler (which may outlive a failed assertion).
struct Seen {
  std::mutex mu;
  std::vector<Server::IncomingRequest> requests;
  void Add(const Server::IncomingRequest& r) {
    std::lock_guard<std::mutex> lock(mu);
    requests.push_back(r);
  }
  std::vector<Server::IncomingRequest> All() {
    std::lock_guard<std::mutex> lock(mu);
    return requests;
  }
};

std::unique_ptr<Server> Start(Server::Handler handler, size_t max_body = 1024 * 1024) {
  Server::Options options;
  options.max_body_bytes = max_body;
  Result<std::unique_ptr<Server>> server = StartServer(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(server).value() : nullptr;
}

// Echoes the request back: method, path, query and body; request headers as X-Echo-<name>.
std::unique_ptr<Server> StartEcho(std::shared_ptr<Seen> seen) {
  return Start([seen](const Server::IncomingRequest& req) {
    seen->Add(req);
    Response r;
    r.status = req.method == "POST" ? 201 : 200;
    r.headers.Add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    r.headers.Add("X-Method", req.method);
    r.headers.Add("X-Path", req.path);
    r.headers.Add("X-Query", req.query);
    r.body = req.body.empty() ? "body of " + req.path : req.body;
    return r;
  });
}

Request To(const Server& server, std::string path_and_query, std::string method = "GET") {
  Request r;
  r.method = std::move(method);
  r.url = server.base_url() + path_and_query;
  r.timeout = milliseconds(10000);
  return r;
}

TEST(Loopback, ServersOnPortZeroGetDistinctFreePorts) {
  auto seen = std::make_shared<Seen>();
  auto a = StartEcho(seen);
  auto b = StartEcho(seen);
  ASSERT_TRUE(a && b);
  EXPECT_GT(a->port(), 0);
  EXPECT_NE(a->port(), b->port());
  EXPECT_EQ(a->base_url(), "http://127.0.0.1:" + std::to_string(a->port()));
}

TEST(Loopback, GetRoundTripsStatusHeadersAndBody) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  Request req = To(*server, "/v2/a%20b/tags/list?n=2&scope=x&scope=y+z");
  req.headers.Add("Accept", "application/json");
  req.headers.Add("Authorization", "Bearer TOKEN");
  Result<Response> r = transport->Send(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "body of /v2/a b/tags/list");
  EXPECT_EQ(r->headers.Get("content-type"), "application/vnd.oci.image.manifest.v1+json");
  EXPECT_EQ(r->headers.Get("X-Query"), "n=2&scope=x&scope=y+z");

  const auto all = seen->All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].method, "GET");
  EXPECT_EQ(all[0].path, "/v2/a b/tags/list");
  EXPECT_EQ(all[0].QueryValues("scope"), (std::vector<std::string>{"x", "y z"}));
  EXPECT_EQ(all[0].headers.Get("accept"), "application/json");
  EXPECT_EQ(all[0].headers.Get("Authorization"), "Bearer TOKEN");
}

TEST(Loopback, PutAndPostCarryExactBytesAndContentTypeVerbatim) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  std::string bytes("{\"a\":1}\0\xff\x01 tail", 14);
  for (const char* method : {"PUT", "POST"}) {
    SCOPED_TRACE(method);
    Request req = To(*server, "/upload", method);
    req.headers.Add("Content-Type", "application/vnd.oci.image.manifest.v1+json");
    req.body = bytes;
    Result<Response> r = transport->Send(req);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, std::string(method) == "POST" ? 201 : 200);
    EXPECT_EQ(r->body, bytes);
    EXPECT_EQ(r->headers.Get("X-Method"), method);
  }
  const auto all = seen->All();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& req : all) {
    EXPECT_EQ(req.body, bytes);
    EXPECT_EQ(req.headers.Get("Content-Type"), "application/vnd.oci.image.manifest.v1+json");
    EXPECT_EQ(req.headers.Get("Content-Length"), std::to_string(bytes.size()));
  }
}

TEST(Loopback, BodilessPostSendsContentLengthZero) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  ASSERT_TRUE(transport->Send(To(*server, "/v2/x/blobs/uploads/", "POST")).ok());
  const auto all = seen->All();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].headers.Get("Content-Length"), "0");
  EXPECT_EQ(all[0].body, "");
}

TEST(Loopback, HeadReturnsHeadersAndLengthWithoutBody) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  Result<Response> r = transport->Send(To(*server, "/blob", "HEAD"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "");
  EXPECT_EQ(r->headers.Get("X-Method"), "HEAD");
  EXPECT_EQ(r->headers.Get("Content-Length"), std::to_string(std::string("body of /blob").size()));
  // The connection is still usable afterwards (no stray body bytes on it).
  Result<Response> after = transport->Send(To(*server, "/next"));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->body, "body of /next");
}

TEST(Loopback, RepeatedResponseHeadersArriveMergedAndSplitBack) {
  auto server = Start([](const Server::IncomingRequest&) {
    Response r{200, {}, ""};
    r.headers.Add("Link", "</v2/x/tags/list?n=1&last=a,b>; rel=\"next\"");
    r.headers.Add("Link", "<https://other>; rel=\"other\"");
    return r;
  });
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  Result<Response> r = transport->Send(To(*server, "/v2/x/tags/list"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->headers.GetAll("Link").size(), 1u);  // merged by cpprestsdk, as documented
  EXPECT_EQ(SplitHeaderList(*r->headers.Get("Link")),
            (std::vector<std::string>{"</v2/x/tags/list?n=1&last=a,b>; rel=\"next\"",
                                      "<https://other>; rel=\"other\""}));
}

TEST(Loopback, CrossServerRedirectNeverCarriesAuthorization) {
  auto seen_a = std::make_shared<Seen>();
  auto seen_b = std::make_shared<Seen>();
  auto b = StartEcho(seen_b);
  ASSERT_TRUE(b);
  const std::string target = b->base_url() + "/blobs/sha256:abc";
  auto a = Start([seen_a, target](const Server::IncomingRequest& req) {
    seen_a->Add(req);
    return Response{307, {{"Location", target}}, ""};
  });
  ASSERT_TRUE(a);
  auto transport = MakeTransport({});
  ClientOptions options;
  options.insecure_origins = {a->base_url(), b->base_url()};
  Client client(*transport, RealClock::Instance(), options);

  Request req = To(*a, "/v2/x/blobs/sha256:abc");
  req.headers.Add("Authorization", "Bearer SECRET");
  req.headers.Add("Cookie", "session=SECRET");
  Result<Response> r = client.Send(req);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "body of /blobs/sha256:abc");
  EXPECT_EQ(client.requests_sent(), 2);

  ASSERT_EQ(seen_a->All().size(), 1u);
  EXPECT_EQ(seen_a->All()[0].headers.Get("Authorization"), "Bearer SECRET");
  const auto at_b = seen_b->All();
  ASSERT_EQ(at_b.size(), 1u);
  EXPECT_FALSE(at_b[0].headers.Has("Authorization"));
  EXPECT_FALSE(at_b[0].headers.Has("Cookie"));
  for (const auto& [name, value] : at_b[0].headers.items()) {
    EXPECT_EQ(value.find("SECRET"), std::string::npos) << name;
  }
}

TEST(Loopback, OversizedRequestBodyGets413WithoutReachingTheHandler) {
  std::atomic<int> calls{0};
  auto server = Start(
      [&calls](const Server::IncomingRequest& req) {
        ++calls;
        return Response{200, {}, std::to_string(req.body.size())};
      },
      1000);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  Request big = To(*server, "/webhook", "POST");
  big.body = std::string(5000, 'x');
  Result<Response> r = transport->Send(big);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(calls.load(), 0);

  Request fits = To(*server, "/webhook", "POST");
  fits.body = std::string(1000, 'x');
  r = transport->Send(fits);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "1000");
  EXPECT_EQ(calls.load(), 1);
  server->Stop();  // the handler captures `calls`
}

TEST(Loopback, HandlerExceptionBecomes500AndTheServerKeepsServing) {
  auto server = Start([](const Server::IncomingRequest& req) -> Response {
    if (req.path == "/boom") throw std::runtime_error("handler bug");
    return Response{200, {}, "fine"};
  });
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  Result<Response> r = transport->Send(To(*server, "/boom"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("handler bug"), std::string::npos);
  EXPECT_EQ(transport->Send(To(*server, "/ok")).value().body, "fine");
}

TEST(Loopback, SlowHandlerHitsTheDeadlineInsteadOfHanging) {
  auto server = Start([](const Server::IncomingRequest&) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    return Response{200, {}, "late"};
  });
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  // Warm the keep-alive connection first: the replay bug of cpprest's own timer only bites on a
  // reused connection, which is exactly what the deadline must handle.
  Request req = To(*server, "/slow");
  req.timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  Result<Response> r = transport->Send(req);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(elapsed, milliseconds(1500));
  EXPECT_GE(elapsed, milliseconds(250));
  EXPECT_NE(r.status().message().find(server->base_url()), std::string::npos);
  EXPECT_EQ(r.status().message().find("/slow"), std::string::npos);
}

TEST(Loopback, DeadlineOnAReusedConnectionDoesNotReplayTheRequest) {
  std::atomic<int> slow_calls{0};
  auto server = Start([&slow_calls](const Server::IncomingRequest& req) {
    if (req.path == "/slow") {
      ++slow_calls;
      std::this_thread::sleep_for(std::chrono::milliseconds(1200));
    }
    return Response{200, {}, "ok"};
  });
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  ASSERT_TRUE(transport->Send(To(*server, "/warm")).ok());  // opens the keep-alive connection
  Request req = To(*server, "/slow");
  req.timeout = milliseconds(300);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(transport->Send(req).status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  server->Stop();  // waits for the running handler
  EXPECT_EQ(slow_calls.load(), 1);
}

TEST(Loopback, ConcurrentRequestsFromManyThreadsAllSucceed) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  auto transport = MakeTransport({});
  constexpr int kThreads = 8;
  constexpr int kRequests = 50;
  std::atomic<int> next{0};
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = next++; i < kRequests; i = next++) {
        Request req = To(*server, "/item/" + std::to_string(i), "PUT");
        req.body = "payload " + std::to_string(i);
        Result<Response> r = transport->Send(req);
        if (r.ok() && r->status == 200 && r->body == req.body) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(seen->All().size(), static_cast<size_t>(kRequests));
}

TEST(Loopback, ResponseOverTheLimitFailsWithResourceExhausted) {
  auto server = Start([](const Server::IncomingRequest&) {
    return Response{200, {}, std::string(5000, 'x')};
  });
  ASSERT_TRUE(server);
  TransportOptions options;
  options.max_response_bytes = 1000;
  auto transport = MakeTransport(options);
  Result<Response> r = transport->Send(To(*server, "/big"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST(Loopback, StopIsIdempotentAndThenConnectionsAreRefused) {
  auto seen = std::make_shared<Seen>();
  auto server = StartEcho(seen);
  ASSERT_TRUE(server);
  const Request req = To(*server, "/x?token=SECRET");
  ASSERT_TRUE(MakeTransport({})->Send(req).ok());
  server->Stop();
  server->Stop();
  Result<Response> r = MakeTransport({})->Send(req);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("GET http://127.0.0.1:"), std::string::npos);
  EXPECT_EQ(r.status().message().find("SECRET"), std::string::npos);
}

TEST(Loopback, StartServerRejectsNonLiteralAddressesAndBusyPorts) {
  Server::Options bad;
  bad.address = "localhost";  // a name, not a literal
  EXPECT_EQ(
      StartServer(bad, [](const Server::IncomingRequest&) { return Response{}; }).status().code(),
      StatusCode::kInvalidArgument);

  auto seen = std::make_shared<Seen>();
  auto first = StartEcho(seen);
  ASSERT_TRUE(first);
  Server::Options same;
  same.port = first->port();
  EXPECT_EQ(
      StartServer(same, [](const Server::IncomingRequest&) { return Response{}; }).status().code(),
      StatusCode::kUnavailable);
}

TEST(Loopback, UnreadableCaBundleFailsHttpsWithoutConnecting) {
  TransportOptions options;
  options.ca_bundle_file = "/nonexistent/ca.pem";
  auto transport = MakeTransport(options);
  Request req;
  req.url = "https://127.0.0.1:1/v2/";
  Result<Response> r = transport->Send(req);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace spaceport::http
