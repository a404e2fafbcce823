// RateLimitedTransport over a scripted transport: what is charged, what is never sent, how a
// rate-limit answer comes back, and the whole chain under http::Client.
#include "http/rate_limited_transport.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "fake_transport.h"
#include "http/token_bucket.h"

namespace spaceport::http {
namespace {

using std::chrono::seconds;
using testing::FakeTransport;

constexpr char kOrigin[] = "https://ghcr.io";

Request Get(std::string url) {
  Request r;
  r.url = std::move(url);
  return r;
}

// A bucket in front of a scripted transport, on a FakeClock.
struct Wire {
  explicit Wire(TokenBucketOptions limit = {},
                RateLimitedTransportOptions options = {.origin = kOrigin})
      : bucket(std::make_shared<TokenBucket>(clock, limit)), wire(inner, bucket, options) {}

  FakeClock clock;
  FakeTransport inner;
  std::shared_ptr<TokenBucket> bucket;
  RateLimitedTransport wire;
};

TEST(RateLimitedTransport, ARefusedRequestIsNeverSentAndItsStatusNamesNoPathOrQuery) {
  Wire w;
  w.bucket->PauseUntil(w.clock.Now() + seconds(120));  // beyond max_wait (60 s)
  Result<Response> r =
      w.wire.Send(Get("https://ghcr.io/v2/acme/private-app/tags/list?n=1000&last=v9"));
  ASSERT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(w.inner.requests().empty());
  EXPECT_EQ(r.status().message().rfind("GET https://ghcr.io: not sent:", 0), 0u)
      << r.status().message();
  EXPECT_EQ(r.status().message().find("private-app"), std::string::npos);
  EXPECT_EQ(r.status().message().find("last=v9"), std::string::npos);
  EXPECT_NE(r.status().message().find("available again in 120 s"), std::string::npos);
}

TEST(RateLimitedTransport, RequestsToTheOriginTakeATokenAndOtherOriginsPassUncharged) {
  Wire w({.requests_per_second = 2, .burst = 1});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(w.wire.Send(Get("https://ghcr.io/v2/acme/app/manifests/v1")).ok());
    ASSERT_TRUE(w.wire.Send(Get("https://storage.test/blob?sig=x")).ok());
  }
  EXPECT_EQ(w.inner.requests().size(), 6u);
  EXPECT_EQ(w.bucket->stats().admitted, 3);
  EXPECT_EQ(w.clock.slept(), Clock::Duration(seconds(1)));  // 3 requests at 2/s, burst 1
}

TEST(RateLimitedTransport, WithoutAnOriginEveryRequestIsCharged) {
  Wire w({}, {});
  ASSERT_TRUE(w.wire.Send(Get("https://ghcr.io/v2/")).ok());
  ASSERT_TRUE(w.wire.Send(Get("https://storage.test/blob")).ok());
  EXPECT_EQ(w.bucket->stats().admitted, 2);
}

TEST(RateLimitedTransport, A429ComesBackAsAResponseAndHoldsTheNextRequestBack) {
  Wire w;
  w.inner.Reply(429, "", {{"Retry-After", "7"}}).Reply(200, "ok");
  Result<Response> limited = w.wire.Send(Get("https://ghcr.io/v2/"));
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(limited->status, 429);
  Result<Response> next = w.wire.Send(Get("https://ghcr.io/v2/"));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(w.clock.slept(), Clock::Duration(seconds(7)));
  EXPECT_EQ(w.bucket->stats().rate_limited, 1);
}

TEST(RateLimitedTransport, WithADescriptionA429BecomesResourceExhaustedNamingThePause) {
  Wire w({}, {.origin = kOrigin,
              .describe_rate_limited = [](const Response& r) { return "429: " + r.body; }});
  w.inner.Reply(429, "slow down", {{"Retry-After", "7"}});
  Result<Response> r = w.wire.Send(Get("https://ghcr.io/v2/"));
  ASSERT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "429: slow down from https://ghcr.io; every request to this host is paused for 7 s");
}

TEST(RateLimitedTransport, TransportFailuresPassThroughAfterTakingTheirToken) {
  Wire w;
  w.inner.Fail(Status(StatusCode::kUnavailable, "GET https://ghcr.io: connection refused"));
  Result<Response> r = w.wire.Send(Get("https://ghcr.io/v2/"));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(w.bucket->stats().admitted, 1);
  EXPECT_EQ(w.bucket->stats().rate_limited, 0);
}

TEST(RateLimitedTransport, UnderAClientARetryAfterIsWaitedOnceForTheRetryAndTheBucketAlike) {
  Wire w;
  w.inner.Reply(429, "", {{"Retry-After", "2"}}).Reply(200, "ok");
  Client client(w.wire, w.clock, {});
  Result<Response> r = client.Send(Get("https://ghcr.io/v2/"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(w.clock.slept(), Clock::Duration(seconds(2)));
  EXPECT_EQ(w.bucket->stats().admitted, 2);
}

}  // namespace
}  // namespace spaceport::http
