// What Secured (runtime/console_api.h) adds to every API response: the security headers, and the
// optional bearer / basic auth that leaves probes and webhooks open. The console's embedded files
// are checked here too (every file of console/ is in the table, with a type and an ETag).
#include "runtime/console_api.h"

#include <gtest/gtest.h>

#include "base/base64.h"
#include "report/console_assets.h"

namespace spaceport::runtime {
namespace {

http::Server::IncomingRequest Get(const std::string& path, const std::string& authorization = "") {
  http::Server::IncomingRequest req;
  req.method = "GET";
  req.path = path;
  if (!authorization.empty()) req.headers.Set("Authorization", authorization);
  return req;
}

http::Server::Handler Inner() {
  return [](const http::Server::IncomingRequest&) {
    http::Response r;
    r.status = 200;
    r.body = "inner";
    return r;
  };
}

TEST(Secured, EveryResponseCarriesTheSecurityHeaders) {
  auto handler = Secured(Inner(), {});
  for (const char* path : {"/", "/healthz", "/api/v1/fleet", "/metrics", "/nowhere"}) {
    http::Response r = handler(Get(path));
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.headers.Get("Content-Security-Policy").value_or(""), kContentSecurityPolicy) << path;
    EXPECT_NE(std::string(kContentSecurityPolicy).find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_EQ(std::string(kContentSecurityPolicy).find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(r.headers.Get("X-Content-Type-Options").value_or(""), "nosniff") << path;
    EXPECT_EQ(r.headers.Get("X-Frame-Options").value_or(""), "DENY") << path;
    EXPECT_EQ(r.headers.Get("Cache-Control").value_or(""), "no-store") << path;
  }
}

TEST(Secured, WithATokenEverythingButProbesAndWebhooksNeedsIt) {
  ApiAuth auth;
  auth.bearer_token = "tok-3f9a";
  auto handler = Secured(Inner(), auth);
  for (const char* open : {"/healthz", "/readyz", "/hooks/github", "/hooks/hub"})
    EXPECT_EQ(handler(Get(open)).status, 200) << open;
  for (const char* closed : {"/", "/console/js/app.js", "/api/v1/fleet", "/api/v1/events", "/metrics", "/api/v1/status"}) {
    http::Response r = handler(Get(closed));
    EXPECT_EQ(r.status, 401) << closed;
    EXPECT_EQ(r.headers.Get("WWW-Authenticate").value_or(""), "Bearer realm=\"spaceport\"") << closed;
    EXPECT_EQ(r.headers.Get("Content-Security-Policy").value_or(""), kContentSecurityPolicy) << "on refusals too";
  }
  EXPECT_EQ(handler(Get("/api/v1/fleet", "Bearer tok-3f9a")).status, 200);
  EXPECT_EQ(handler(Get("/api/v1/fleet", "bearer tok-3f9a")).status, 200) << "the scheme is case-insensitive";
  EXPECT_EQ(handler(Get("/api/v1/fleet", "Bearer tok-3f9b")).status, 401);
  EXPECT_EQ(handler(Get("/api/v1/fleet", "Basic " + Base64Encode("x:tok-3f9a"))).status, 401)
      << "the token is not a basic password";
}

TEST(Secured, BasicAuthAcceptsEachUserWithTheirOwnPassword) {
  ApiAuth auth;
  auth.basic_users = {{"ops", "pa:ss"}, {"viewer", "other"}};
  auto handler = Secured(Inner(), auth);
  http::Response refused = handler(Get("/"));
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.headers.Get("WWW-Authenticate").value_or(""), "Basic realm=\"spaceport\", charset=\"UTF-8\"")
      << "a browser shows its login prompt";
  EXPECT_EQ(refused.body.find("pa:ss"), std::string::npos);
  EXPECT_EQ(handler(Get("/", "Basic " + Base64Encode("ops:pa:ss"))).status, 200) << "a password may hold ':'";
  EXPECT_EQ(handler(Get("/", "Basic " + Base64Encode("viewer:other"))).status, 200);
  EXPECT_EQ(handler(Get("/", "Basic " + Base64Encode("viewer:pa:ss"))).status, 401) << "another user's password";
  EXPECT_EQ(handler(Get("/", "Basic not-base64!")).status, 401);
  EXPECT_EQ(handler(Get("/", "Basic")).status, 401);
  EXPECT_EQ(auth.Describe(), "basic");
}

TEST(ParseBasicAuthFile, ReadsUserPasswordLinesAndNamesBadOnesWithoutTheirText) {
  auto users = ParseBasicAuthFile("# console users\nops:s3cret\r\n\nviewer:v:iew\n");
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0], (std::pair<std::string, std::string>{"ops", "s3cret"}));
  EXPECT_EQ((*users)[1].second, "v:iew");
  auto bad = ParseBasicAuthFile("ops:s3cret\nhunter2-without-user\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos) << bad.status().message();
  EXPECT_EQ(bad.status().message().find("hunter2"), std::string::npos) << "the error quotes no password";
  EXPECT_FALSE(ParseBasicAuthFile("# nothing\n").ok());
  EXPECT_FALSE(ParseBasicAuthFile("ops:\n").ok());
}

TEST(ConsoleAssets, EveryConsoleFileIsEmbeddedWithATypeAndAnETag) {
  for (const char* path : {"index.html", "console.css", "favicon.svg", "js/app.js", "js/api.js", "js/dom.js",
                           "js/fleet.js", "js/deployment.js", "js/timeline.js", "js/format.js"}) {
    const console::Asset* asset = console::FindAsset(path);
    ASSERT_NE(asset, nullptr) << path;
    EXPECT_FALSE(asset->bytes.empty()) << path;
    EXPECT_EQ(asset->etag.size(), 66u) << path;  // a quoted SHA-256
    EXPECT_FALSE(asset->content_type.empty()) << path;
  }
  EXPECT_EQ(console::FindAsset("js/app.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(console::FindAsset("../CMakeLists.txt"), nullptr);
  // The page loads its script as a module from its own origin: no inline script the CSP would block.
  const std::string_view html = console::FindAsset("index.html")->bytes;
  EXPECT_NE(html.find("<script type=\"module\" src=\"/console/js/app.js\"></script>"), std::string_view::npos);
  EXPECT_EQ(html.find("<script>"), std::string_view::npos);
  EXPECT_EQ(html.find("style="), std::string_view::npos);
  for (const console::Asset& a : console::ConsoleAssets())
    EXPECT_EQ(a.bytes.find("innerHTML"), std::string_view::npos) << a.path << " must insert text, never markup";
}

}  // namespace
}  // namespace spaceport::runtime
