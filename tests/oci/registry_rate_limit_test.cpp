// Registry rate limits on a FakeClock: a RegistryClient sends no faster than its endpoint's
// token bucket, a long Retry-After stops the next operation before it is sent, and Registries
// shares one bucket per endpoint and lists them for the metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clients/oci/registries.h"
#include "clients/oci/registry_client.h"
#include "clients/oci/registry_error.h"
#include "oci/fake_transport.h"

namespace spaceport::oci {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::FakeTransport;
using testing::Reply;

const std::string kDigest = "sha256:" + std::string(64, 'a');

RegistryConfig Registry(std::string host, double per_second, int burst) {
  RegistryConfig c;
  c.host = std::move(host);
  c.requests_per_second = per_second;
  c.burst = burst;
  return c;
}

TEST(RegistryRateLimit, AClientSendsNoFasterThanItsRegistrysRate) {
  FakeClock clock;
  FakeTransport transport;
  constexpr int kRequests = 5;
  for (int i = 0; i < kRequests; ++i) transport.Expect("HEAD /v2/owner/app/blobs/*", Reply(404));
  auto client = RegistryClient::Create(Registry("registry.test", 2, 1), transport, clock);
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  for (int i = 0; i < kRequests; ++i) ASSERT_TRUE((*client)->StatBlob("owner/app", kDigest).ok());
  EXPECT_THAT(transport.mismatches(), ::testing::IsEmpty());
  EXPECT_EQ(clock.slept(), Clock::Duration(milliseconds(500 * (kRequests - 1))));
  EXPECT_EQ((*client)->rate_limit().stats().admitted, kRequests);
}

TEST(RegistryRateLimit, ARetryAfterBeyondMaxWaitStopsTheNextOperationBeforeItIsSent) {
  FakeClock clock;
  FakeTransport transport;
  transport.Expect("HEAD /v2/owner/app/blobs/*", Reply(429, "", {{"Retry-After", "600"}}));
  auto client = RegistryClient::Create(Registry("registry.test", 20, 40), transport, clock);
  ASSERT_TRUE(client.ok());
  auto first = (*client)->StatBlob("owner/app", kDigest);  // the Client does not wait 10 minutes
  EXPECT_EQ(ConditionReasonFor(first.status()), reason::kRateLimited);
  auto second = (*client)->StatBlob("owner/app", kDigest);
  EXPECT_EQ(ConditionReasonFor(second.status()), reason::kRateLimited);
  EXPECT_NE(second.status().message().find("available again in 600 s"), std::string::npos)
      << second.status().message();
  EXPECT_EQ(transport.requests().size(), 1u);  // the second was never sent
  EXPECT_EQ(clock.slept(), Clock::Duration(0));
}

TEST(RegistryRateLimit, RegistriesOnOneEndpointShareOneBucketListedUnderTheEndpointHost) {
  FakeClock clock;
  FakeTransport transport;
  for (int i = 0; i < 3; ++i) transport.Expect("HEAD *", Reply(404));
  RegistryConfig ghcr = Registry("ghcr.io", 2, 2);
  ghcr.endpoint = "http://127.0.0.1:5000";
  ghcr.insecure = true;
  RegistryConfig docker = ghcr;
  docker.host = "docker.io";
  Registries::Options options;
  options.env = [](const std::string&) { return std::optional<std::string>(); };
  options.transport = &transport;
  Registries registries({ghcr, docker}, clock, options);

  auto a = registries.For("ghcr.io");
  auto b = registries.For("docker.io");
  auto quay = registries.For("quay.io");  // no entry: https://quay.io at the default rate
  ASSERT_TRUE(a.ok() && b.ok() && quay.ok());
  ASSERT_TRUE((*a)->StatBlob("owner/app", kDigest).ok());
  ASSERT_TRUE((*b)->StatBlob("owner/app", kDigest).ok());
  std::vector<EndpointRateLimit> limits = registries.RateLimits();
  ASSERT_EQ(limits.size(), 2u);
  EXPECT_EQ(limits[0].host, "127.0.0.1:5000");
  EXPECT_EQ(limits[0].stats.tokens_now, 0);  // both clients took from the same two tokens
  EXPECT_EQ(limits[1].host, "quay.io");
  EXPECT_EQ(limits[1].stats.tokens_now, 40);

  ASSERT_TRUE((*a)->StatBlob("owner/app", kDigest).ok());
  EXPECT_EQ(clock.slept(), Clock::Duration(milliseconds(500)));
  EXPECT_EQ(&(*a)->rate_limit(), &(*b)->rate_limit());
}

}  // namespace
}  // namespace spaceport::oci
