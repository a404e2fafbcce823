#include <gtest/gtest.h>

#include <thread>

#include "base/clock.h"
#include "fake_transport.h"
#include "http/http.h"

namespace spaceport::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;

Status Refused() { return Status(StatusCode::kUnavailable, "GET https://reg: connection refused"); }

Request Get(std::string url) {
  Request r;
  r.url = std::move(url);
  r.headers.Add("Authorization", "Bearer SECRET");
  r.headers.Add("Cookie", "session=SECRET");
  return r;
}

Request Post(std::string url, std::string body) {
  Request r = Get(std::move(url));
  r.method = "POST";
  r.headers.Add("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

ClientOptions Options() {
  ClientOptions o;
  o.max_attempts = 4;
  o.initial_backoff = milliseconds(100);
  o.max_backoff = milliseconds(250);
  o.max_retry_after = seconds(60);
  return o;
}

struct Fixture {
  FakeTransport transport;
  FakeClock clock;
  Client client{transport, clock, Options()};
};

// --- retries -----------------------------------------------------------------------------

TEST(ClientRetry, ServerErrorsAreRetriedWithDoublingBackoffUpToTheCap) {
  Fixture f;
  f.transport.Reply(500).Reply(502).Reply(504).Reply(200, "ok");
  Result<Response> r = f.client.Send(Get("https://reg/v2/"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(f.client.requests_sent(), 4);
  EXPECT_EQ(f.clock.slept(), milliseconds(100 + 200 + 250));  // 400 capped at 250
}

TEST(ClientRetry, GivesUpAfterMaxAttemptsAndReturnsTheLastResponse) {
  Fixture f;
  f.transport.Reply(503).Reply(503).Reply(503).Reply(503, "still down").Reply(200);
  Result<Response> r = f.client.Send(Get("https://reg/v2/"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "still down");
  EXPECT_EQ(f.transport.requests().size(), 4u);
}

TEST(ClientRetry, TransportFailuresAreRetriedThenReturnedAsStatus) {
  Fixture f;
  f.transport.Fail(Refused()).Fail(Refused()).Reply(200);
  EXPECT_EQ(f.client.Send(Get("https://reg/")).value().status, 200);

  Fixture g;
  for (int i = 0; i < 4; ++i) g.transport.Fail(Refused());
  Result<Response> r = g.client.Send(Get("https://reg/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(g.client.requests_sent(), 4);
}

TEST(ClientRetry, DeadlineExceededIsNotRetried) {
  Fixture f;
  f.transport.Fail(Status(StatusCode::kDeadlineExceeded, "GET https://reg: slow")).Reply(200);
  Result<Response> r = f.client.Send(Get("https://reg/"));
  EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(f.client.requests_sent(), 1);
}

TEST(ClientRetry, ClientErrorsAndNotImplementedAreNotRetried) {
  for (int status : {400, 401, 404, 409, 501, 505}) {
    SCOPED_TRACE(status);
    Fixture f;
    f.transport.Reply(status).Reply(200);
    EXPECT_EQ(f.client.Send(Get("https://reg/")).value().status, status);
    EXPECT_EQ(f.client.requests_sent(), 1);
    EXPECT_EQ(f.clock.slept(), milliseconds(0));
  }
}

TEST(ClientRetry, RetryAfterSecondsIsWaitedExactly) {
  Fixture f;
  f.transport.Reply(429, "", Headers{{"Retry-After", "7"}}).Reply(200);
  EXPECT_EQ(f.client.Send(Get("https://reg/")).value().status, 200);
  EXPECT_EQ(f.clock.slept(), seconds(7));
}

TEST(ClientRetry, RetryAfterHttpDateIsMeasuredOnTheInjectedClock) {
  Fixture f;  // the fake clock starts at 2026-01-01T00:00:00Z
  f.transport.Reply(503, "", Headers{{"Retry-After", "Thu, 01 Jan 2026 00:00:42 GMT"}}).Reply(200);
  EXPECT_EQ(f.client.Send(Get("https://reg/")).value().status, 200);
  EXPECT_EQ(f.clock.slept(), seconds(42));
}

TEST(ClientRetry, MalformedRetryAfterFallsBackToBackoff) {
  Fixture f;
  f.transport.Reply(429, "", Headers{{"Retry-After", "soon"}}).Reply(200);
  EXPECT_EQ(f.client.Send(Get("https://reg/")).value().status, 200);
  EXPECT_EQ(f.clock.slept(), milliseconds(100));
}

TEST(ClientRetry, RetryAfterBeyondTheMaximumIsReturnedWithoutWaiting) {
  Fixture f;
  f.transport.Reply(429, "", Headers{{"Retry-After", "3600"}}).Reply(200);
  Result<Response> r = f.client.Send(Get("https://reg/"));
  EXPECT_EQ(r.value().status, 429);
  EXPECT_EQ(r->headers.Get("Retry-After"), "3600");
  EXPECT_EQ(f.clock.slept(), milliseconds(0));
  EXPECT_EQ(f.client.requests_sent(), 1);
}

TEST(ClientRetry, PostIsNotRetriedOnServerErrorOrConnectionFailure) {
  Fixture f;
  f.transport.Reply(500).Reply(201);
  EXPECT_EQ(f.client.Send(Post("https://reg/v2/x/blobs/uploads/", "{}")).value().status, 500);
  EXPECT_EQ(f.client.requests_sent(), 1);

  Fixture g;
  g.transport.Fail(Refused()).Reply(201);
  Request patch = Post("https://reg/x", "chunk");
  patch.method = "PATCH";
  EXPECT_EQ(g.client.Send(patch).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(g.client.requests_sent(), 1);
}

TEST(ClientRetry, PostIsRetriedOn429And503WithItsBody) {
  Fixture f;
  f.transport.Reply(429).Reply(503).Reply(201);
  EXPECT_EQ(f.client.Send(Post("https://reg/x", "{\"a\":1}")).value().status, 201);
  ASSERT_EQ(f.transport.requests().size(), 3u);
  for (const Request& sent : f.transport.requests()) {
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.body, "{\"a\":1}");
  }
}

TEST(ClientRetry, PostIsRetriedOn500WhenNonIdempotentRetriesAreAllowed) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.retry_non_idempotent = true;
  Client client(transport, clock, o);
  transport.Reply(500).Fail(Refused()).Reply(201);
  EXPECT_EQ(client.Send(Post("https://reg/x", "{}")).value().status, 201);
  EXPECT_EQ(client.requests_sent(), 3);
}

TEST(ClientRetry, PutAndDeleteAreIdempotentAndRetried) {
  for (const char* method : {"PUT", "DELETE", "HEAD"}) {
    SCOPED_TRACE(method);
    Fixture f;
    f.transport.Reply(500).Reply(200);
    Request r = Get("https://reg/x");
    r.method = method;
    EXPECT_EQ(f.client.Send(r).value().status, 200);
    EXPECT_EQ(f.client.requests_sent(), 2);
  }
}

TEST(ClientRetry, SingleAttemptMeansNoRetry) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.max_attempts = 1;
  Client client(transport, clock, o);
  transport.Reply(503).Reply(200);
  EXPECT_EQ(client.Send(Get("https://reg/")).value().status, 503);
  EXPECT_EQ(clock.slept(), milliseconds(0));
}

// --- redirects ---------------------------------------------------------------------------

TEST(ClientRedirect, SameOriginRedirectKeepsCredentials) {
  Fixture f;
  f.transport.Redirect(307, "/v2/blobs/other").Reply(200, "blob");
  Result<Response> r = f.client.Send(Get("https://reg/v2/blobs/x"));
  EXPECT_EQ(r.value().body, "blob");
  const auto sent = f.transport.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].url, "https://reg/v2/blobs/other");
  EXPECT_EQ(sent[1].headers.Get("Authorization"), "Bearer SECRET");
}

TEST(ClientRedirect, CrossOriginRedirectDropsAuthorizationAndCookieForGood) {
  Fixture f;
  f.transport.Redirect(307, "https://cdn.example/blob?sig=1")
      .Redirect(302, "https://reg/back")
      .Reply(200, "blob");
  Request req = Get("https://reg/v2/blobs/x");
  req.headers.Add("Proxy-Authorization", "Basic SECRET");
  req.headers.Add("Accept", "*/*");
  EXPECT_EQ(f.client.Send(req).value().body, "blob");
  const auto sent = f.transport.requests();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[1].url, "https://cdn.example/blob?sig=1");
  for (size_t i = 1; i < sent.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_FALSE(sent[i].headers.Has("Authorization"));
    EXPECT_FALSE(sent[i].headers.Has("Proxy-Authorization"));
    EXPECT_FALSE(sent[i].headers.Has("Cookie"));
    EXPECT_EQ(sent[i].headers.Get("Accept"), "*/*");
  }
}

TEST(ClientRedirect, PortChangeIsAnotherOrigin) {
  Fixture f;
  f.transport.Redirect(307, "https://reg:8443/x").Reply(200);
  ASSERT_TRUE(f.client.Send(Get("https://reg/x")).ok());
  EXPECT_FALSE(f.transport.requests()[1].headers.Has("Authorization"));
}

TEST(ClientRedirect, SeeOtherAndPostOn301Or302BecomeBodilessGet) {
  for (int status : {301, 302, 303}) {
    SCOPED_TRACE(status);
    Fixture f;
    f.transport.Redirect(status, "/result").Reply(200);
    ASSERT_TRUE(f.client.Send(Post("https://reg/submit", "{\"x\":1}")).ok());
    const Request second = f.transport.requests()[1];
    EXPECT_EQ(second.method, "GET");
    EXPECT_EQ(second.body, "");
    EXPECT_FALSE(second.headers.Has("Content-Type"));
  }
}

TEST(ClientRedirect, TemporaryAndPermanentRedirectsKeepMethodAndBody) {
  for (int status : {307, 308}) {
    SCOPED_TRACE(status);
    Fixture f;
    f.transport.Redirect(status, "/elsewhere").Reply(201);
    ASSERT_TRUE(f.client.Send(Post("https://reg/submit", "{\"x\":1}")).ok());
    const Request second = f.transport.requests()[1];
    EXPECT_EQ(second.method, "POST");
    EXPECT_EQ(second.body, "{\"x\":1}");
    EXPECT_EQ(second.headers.Get("Content-Type"), "application/json");
  }
}

TEST(ClientRedirect, PutOn302KeepsItsMethod) {
  Fixture f;
  f.transport.Redirect(302, "/other").Reply(201);
  Request put = Post("https://reg/m", "manifest");
  put.method = "PUT";
  ASSERT_TRUE(f.client.Send(put).ok());
  EXPECT_EQ(f.transport.requests()[1].method, "PUT");
  EXPECT_EQ(f.transport.requests()[1].body, "manifest");
}

TEST(ClientRedirect, RelativeLocationsResolveAgainstTheCurrentUrl) {
  Fixture f;
  f.transport.Redirect(302, "../b?x=1").Redirect(302, "?y=2").Redirect(302, "//other/z").Reply(200);
  ASSERT_TRUE(f.client.Send(Get("https://reg/a/b/c")).ok());
  const auto sent = f.transport.requests();
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_EQ(sent[1].url, "https://reg/a/b?x=1");
  EXPECT_EQ(sent[2].url, "https://reg/a/b?y=2");
  EXPECT_EQ(sent[3].url, "https://other/z");
}

TEST(ClientRedirect, TooManyRedirectsFailWithoutFollowingForever) {
  Fixture f;  // max_redirects = 5
  for (int i = 0; i < 10; ++i) f.transport.Redirect(302, "/loop");
  Result<Response> r = f.client.Send(Get("https://reg/loop"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(f.client.requests_sent(), 6);  // the original plus five hops
}

TEST(ClientRedirect, ZeroMaxRedirectsReturnsTheRedirectItself) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.max_redirects = 0;
  Client client(transport, clock, o);
  transport.Reply(302, "", Headers{{"Location", "https://cdn/x"}, {"X-Repo-Commit", "abc"}});
  Result<Response> r = client.Send(Get("https://hub/resolve/main/f"));
  EXPECT_EQ(r.value().status, 302);
  EXPECT_EQ(r->headers.Get("X-Repo-Commit"), "abc");
  EXPECT_EQ(client.requests_sent(), 1);
}

TEST(ClientRedirect, RedirectWithoutLocationIsReturnedAsIs) {
  Fixture f;
  f.transport.Reply(302);
  EXPECT_EQ(f.client.Send(Get("https://reg/x")).value().status, 302);
}

TEST(ClientRedirect, HttpsToHttpDowngradeIsRefusedEvenForInsecureOrigins) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.insecure_origins = {"http://127.0.0.1:5000"};
  Client client(transport, clock, o);
  transport.Redirect(302, "http://127.0.0.1:5000/x").Reply(200);
  Result<Response> r = client.Send(Get("https://reg/x"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("https to plain http"), std::string::npos);
  EXPECT_EQ(client.requests_sent(), 1);
}

TEST(ClientRedirect, RedirectsAreRetriedPerHop) {
  Fixture f;
  f.transport.Redirect(307, "https://cdn/x").Reply(503).Reply(200, "blob");
  EXPECT_EQ(f.client.Send(Get("https://reg/x")).value().body, "blob");
  EXPECT_EQ(f.client.requests_sent(), 3);
}

// --- plain http -------------------------------------------------------------------------

TEST(ClientInsecure, PlainHttpIsRefusedBeforeAnythingIsSent) {
  Fixture f;
  f.transport.Reply(200);
  Result<Response> r = f.client.Send(Get("http://reg.example/v2/"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("http://reg.example"), std::string::npos);
  EXPECT_NE(r.status().message().find("insecure_origins"), std::string::npos);
  EXPECT_EQ(f.client.requests_sent(), 0);
}

TEST(ClientInsecure, ListedOriginsMayUsePlainHttpButOnlyOnTheirPort) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.insecure_origins = {"HTTP://127.0.0.1:5000/"};
  Client client(transport, clock, o);
  transport.Reply(200);
  EXPECT_EQ(client.Send(Get("http://127.0.0.1:5000/v2/")).value().status, 200);
  EXPECT_EQ(client.Send(Get("http://127.0.0.1:5001/v2/")).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(ClientInsecure, RedirectToAnUnlistedPlainHttpOriginIsRefused) {
  FakeTransport transport;
  FakeClock clock;
  ClientOptions o = Options();
  o.insecure_origins = {"http://127.0.0.1:5000"};
  Client client(transport, clock, o);
  transport.Redirect(307, "http://127.0.0.1:6000/x").Reply(200);
  EXPECT_EQ(client.Send(Get("http://127.0.0.1:5000/x")).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(client.requests_sent(), 1);
}

TEST(ClientInsecure, MalformedUrlIsInvalidArgument) {
  Fixture f;
  EXPECT_EQ(f.client.Send(Get("not a url")).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(f.client.requests_sent(), 0);
}

}  // namespace
}  // namespace spaceport::http

namespace spaceport::http {
namespace {

// --- accounting --------------------------------------------------------------------------

// The controller's workers share one client; each pass's cost (what the budget scheduler plans
// with) is what its own thread sent, not what every worker sent while it ran.
TEST(ClientAccounting, EachThreadCountsOnlyTheRequestsItSentThroughASharedClient) {
  testing::FakeTransport transport;
  for (int i = 0; i < 300; ++i) transport.Reply(200, "ok");
  FakeClock clock;
  Client shared(transport, clock, Options());
  Client other(transport, clock, Options());
  auto send = [&](Client& c, int n) {
    const int64_t before = c.requests_sent_by_this_thread();
    for (int i = 0; i < n; ++i) EXPECT_TRUE(c.Send(Get("https://hub.test/api/x")).ok());
    return c.requests_sent_by_this_thread() - before;
  };
  int64_t first = -1, second = -1;
  std::thread a([&] { first = send(shared, 100); });
  std::thread b([&] { second = send(shared, 50); });
  a.join();
  b.join();
  EXPECT_EQ(first, 100);
  EXPECT_EQ(second, 50);
  EXPECT_EQ(shared.requests_sent(), 150);
  EXPECT_EQ(send(other, 7), 7);  // another client's count is its own
  EXPECT_EQ(shared.requests_sent_by_this_thread(), 0);  // this thread sent none through it
}

}  // namespace
}  // namespace spaceport::http
