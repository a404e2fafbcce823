// RegistryImageProbe against a small registry served on loopback by http::StartServer: the
// manifest request it sends, anonymous and token and Basic authentication, host mapping, and
// what it reports when the image or the registry is missing.
#include <gtest/gtest.h>

#include <mutex>

#include "base/base64.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/image_probe.h"
#include "http/http.h"

namespace spaceport::hub_emulator {
namespace {

enum class Auth { kNone, kBearer, kBasic };

// One repository "acme/app" with tag v1. With kBearer, manifests need "Bearer good-token",
// which /token hands out (to anyone, or only with Basic credentials "ci:pw" when
// `token_needs_basic`). With kBasic, manifests need Basic "ci:pw".
class FakeRegistryServer {
 public:
  explicit FakeRegistryServer(Auth auth, bool token_needs_basic = false)
      : auth_(auth), token_needs_basic_(token_needs_basic) {
    Result<std::unique_ptr<http::Server>> s =
        http::StartServer({}, [this](const http::Server::IncomingRequest& r) { return Serve(r); });
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
  }
  std::string url() const { return server_->base_url(); }
  std::string host() const { return url().substr(std::string("http://").size()); }
  std::vector<http::Server::IncomingRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  http::Response Serve(const http::Server::IncomingRequest& r) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(r);
    }
    const std::string basic = "Basic " + Base64Encode("ci:pw");
    const std::string authorization = r.headers.Get("Authorization").value_or("");
    if (r.path == "/token") {
      if (token_needs_basic_ && authorization != basic) return {401, {}, ""};
      return {200, {{"Content-Type", "application/json"}}, R"({"token":"good-token"})"};
    }
    if (auth_ == Auth::kBearer && authorization != "Bearer good-token") {
      return {401,
              {{"WWW-Authenticate", "Bearer realm=\"" + url() + "/token\",service=\"reg\",scope=\"repository:acme/app:pull\""}},
              ""};
    }
    if (auth_ == Auth::kBasic && authorization != basic) {
      return {401, {{"WWW-Authenticate", "Basic realm=\"reg\""}}, ""};
    }
    if (r.path == "/v2/acme/app/manifests/v1") {
      return {200, {{"Content-Type", "application/vnd.oci.image.manifest.v1+json"}}, "{}"};
    }
    return {404, {{"Content-Type", "application/json"}}, R"({"errors":[{"code":"MANIFEST_UNKNOWN"}]})"};
  }

  Auth auth_;
  bool token_needs_basic_;
  std::mutex mu_;
  std::vector<http::Server::IncomingRequest> requests_;
  std::unique_ptr<http::Server> server_;
};

ProbeResult Probe(const std::string& image, RegistryProbeOptions options) {
  RegistryImageProbe probe(http::MakeTransport({}), std::move(options));
  return probe.Check(*ImageRef::Parse(image));
}

TEST(RegistryProbe, AskesForTheManifestWithTheFourManifestTypes) {
  FakeRegistryServer registry(Auth::kNone);
  const ProbeResult r = Probe(registry.host() + "/acme/app:v1", {});
  EXPECT_TRUE(r.exists) << r.detail;
  const auto seen = registry.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].path, "/v2/acme/app/manifests/v1");
  const std::string accept = seen[0].headers.Get("Accept").value_or("");
  for (const char* type : {"application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
                           "application/vnd.docker.distribution.manifest.list.v2+json",
                           "application/vnd.docker.distribution.manifest.v2+json"}) {
    EXPECT_NE(accept.find(type), std::string::npos) << type;
  }
}

TEST(RegistryProbe, AMissingTagIsReportedAsNotFound) {
  FakeRegistryServer registry(Auth::kNone);
  const ProbeResult r = Probe(registry.host() + "/acme/app:v2", {});
  EXPECT_FALSE(r.exists);
  EXPECT_EQ(r.detail, registry.host() + "/acme/app:v2: not found");
}

TEST(RegistryProbe, AMappedHostIsCheckedAtItsBaseUrl) {
  FakeRegistryServer registry(Auth::kNone);
  RegistryProbeOptions options;
  options.registry_map["ghcr.io"] = registry.url() + "/";
  EXPECT_TRUE(Probe("ghcr.io/acme/app:v1", options).exists);
  EXPECT_FALSE(Probe("ghcr.io/acme/other:v1", options).exists);
}

TEST(RegistryProbe, AnonymousBearerTokensAreFetchedFromTheChallengesRealm) {
  FakeRegistryServer registry(Auth::kBearer);
  EXPECT_TRUE(Probe(registry.host() + "/acme/app:v1", {}).exists);
  const auto seen = registry.requests();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1].path, "/token");
  EXPECT_EQ(seen[1].QueryValue("service"), "reg");
  EXPECT_EQ(seen[1].QueryValue("scope"), "repository:acme/app:pull");
  EXPECT_FALSE(seen[1].headers.Has("Authorization"));
}

TEST(RegistryProbe, ConfiguredCredentialsGoToTheTokenRealmOrStraightToTheRegistry) {
  FakeRegistryServer token_registry(Auth::kBearer, /*token_needs_basic=*/true);
  RegistryProbeOptions options;
  EXPECT_FALSE(Probe(token_registry.host() + "/acme/app:v1", options).exists);
  options.registry_credentials[token_registry.host()] = "ci:pw";
  EXPECT_TRUE(Probe(token_registry.host() + "/acme/app:v1", options).exists);

  FakeRegistryServer basic_registry(Auth::kBasic);
  const ProbeResult denied = Probe(basic_registry.host() + "/acme/app:v1", {});
  EXPECT_FALSE(denied.exists);
  EXPECT_NE(denied.detail.find("pull access denied"), std::string::npos) << denied.detail;
  options.registry_credentials[basic_registry.host()] = "ci:pw";
  EXPECT_TRUE(Probe(basic_registry.host() + "/acme/app:v1", options).exists);
}

TEST(RegistryProbe, UnmappedRemoteHostsAreNeverContacted) {
  const ProbeResult missing = Probe("ghcr.io/acme/app:v1", {});
  EXPECT_FALSE(missing.exists);
  EXPECT_NE(missing.detail.find("no --registry-map"), std::string::npos) << missing.detail;
  RegistryProbeOptions assume;
  assume.unmapped = UnmappedRegistry::kImagePresent;
  EXPECT_TRUE(Probe("busybox", assume).exists);
}

TEST(RegistryProbe, AnUnreachableRegistryFailsTheCheck) {
  RegistryProbeOptions options;
  options.registry_map["ghcr.io"] = "http://127.0.0.1:1";
  options.timeout = std::chrono::milliseconds(2000);
  const ProbeResult r = Probe("ghcr.io/acme/app:v1", options);
  EXPECT_FALSE(r.exists);
  EXPECT_NE(r.detail.find("failed to resolve"), std::string::npos) << r.detail;
}

TEST(RegistryProbe, TheEmulatorBuildsAgainstARealRegistryOverHttp) {
  FakeRegistryServer registry(Auth::kBearer);
  FakeClock clock;
  Options options;
  options.tokens = {{"hf_alice", "alice", {}, "write", ""}};
  options.registry_map["ghcr.io"] = registry.url();
  options.build_time = std::chrono::seconds(1);
  options.start_time = std::chrono::seconds(1);
  HubEmulator hub(options, clock);  // the default probe: a real transport
  auto send = [&](const std::string& method, const std::string& path, const std::string& body) {
    http::Server::IncomingRequest r;
    r.method = method;
    r.path = path;
    r.body = body;
    r.headers.Add("Authorization", "Bearer hf_alice");
    return hub.Handle(r);
  };
  ASSERT_EQ(send("POST", "/api/repos/create", R"({"name":"ok","type":"space","sdk":"docker"})").status, 200);
  ASSERT_EQ(send("POST", "/api/repos/create", R"({"name":"bad","type":"space","sdk":"docker"})").status, 200);
  const std::string header = R"({"key":"header","value":{"summary":"s"}})";
  auto dockerfile = [&](const std::string& from) {
    return header + "\n" + R"({"key":"file","value":{"path":"Dockerfile","encoding":"base64","content":")" +
           Base64Encode("FROM " + from + "\n") + "\"}}";
  };
  ASSERT_EQ(send("POST", "/api/spaces/alice/ok/commit/main", dockerfile("ghcr.io/acme/app:v1")).status, 200);
  ASSERT_EQ(send("POST", "/api/spaces/alice/bad/commit/main", dockerfile("ghcr.io/acme/app:v9")).status, 200);
  hub.WaitForBuildChecks();
  clock.Advance(std::chrono::seconds(2));
  EXPECT_NE(send("GET", "/api/spaces/alice/ok/runtime", "").body.find("\"stage\":\"RUNNING\""), std::string::npos);
  EXPECT_NE(send("GET", "/api/spaces/alice/bad/runtime", "").body.find("\"stage\":\"BUILD_ERROR\""), std::string::npos);
  EXPECT_NE(send("GET", "/api/spaces/alice/bad/logs/build", "").body.find("ghcr.io/acme/app:v9: not found"),
            std::string::npos);
}

}  // namespace
}  // namespace spaceport::hub_emulator
