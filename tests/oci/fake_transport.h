// The scripted transport of the registry client's unit tests: support::ScriptedTransport with the
// test registry's origins (http and https://registry.test) dropped from request lines, and the
// fixture those tests share: a RegistryClient for registry.test over it, on a FakeClock.
//
//   class MyTest : public ScriptedRegistryTest { void SetUp() override { Make(); } };
//   transport_.Expect("GET /v2/owner/app/manifests/v1", Served(body, kOciManifest));
//   … client_ calls …
//   EXPECT_THAT(transport_.Lines(), ElementsAre("GET /v2/owner/app/manifests/v1"));
//   ExpectCleanScript();   // every expected request came, nothing else did
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/clock.h"
#include "base/digest.h"
#include "clients/oci/registry_client.h"
#include "support/scripted_transport.h"

namespace spaceport::oci::testing {

using support::Reply;

class FakeTransport final : public support::ScriptedTransport {
 public:
  FakeTransport() : ScriptedTransport({"http://registry.test", "https://registry.test"}) {}
};

inline std::string DigestOf(const std::string& bytes) { return "sha256:" + Sha256Hex(bytes); }

// 200 with the body, its Content-Type and (unless told not to) its Docker-Content-Digest.
inline http::Response Served(const std::string& body, std::string_view content_type, bool with_digest = true) {
  http::Headers h{{"Content-Type", std::string(content_type)}};
  if (with_digest) h.Add("Docker-Content-Digest", DigestOf(body));
  return Reply(200, body, std::move(h));
}

// The test registry: registry.test, no credentials.
inline RegistryConfig TestConfig() {
  RegistryConfig config;
  config.host = "registry.test";
  return config;
}

class ScriptedRegistryTest : public ::testing::Test {
 protected:
  // (Re)creates client_ for registry.test.
  void Make(RegistryClientOptions options = {}, std::optional<Credentials> credentials = std::nullopt) {
    RegistryConfig config = TestConfig();
    config.credentials = std::move(credentials);
    auto c = RegistryClient::Create(config, transport_, clock_, std::move(options));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    client_ = std::move(*c);
  }
  void ExpectCleanScript() {
    EXPECT_THAT(transport_.mismatches(), ::testing::IsEmpty());
    EXPECT_EQ(transport_.remaining(), 0u);
  }

  FakeClock clock_;
  FakeTransport transport_;
  std::unique_ptr<RegistryClient> client_;
};

}  // namespace spaceport::oci::testing
