// The canary through every one-shot command (issue 13, "Secrets never leak"): validate, plan in
// text, json and html, apply with a command build, a failing build, a Hub that fails and quotes
// the credentials it got, a Hub that redirects to another host, and registries that try to pull
// the password elsewhere (a token realm on another host, a manifest redirected to another host).
// With the canary as every credential (canary_world.h), nothing any command prints or writes
// holds it in any form; the upstream each credential belongs to did get it (so the search is not
// vacuous), and the other hosts never did.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "e2e/canary_world.h"

namespace spaceport::e2e {
namespace {

class CanaryCommands : public CanaryWorld {
 protected:
  // Collects a command's output under `name`.
  void Keep(const std::string& name, const TimedResult& r) {
    places_[name + " stdout"] = r.out;
    places_[name + " stderr"] = r.err;
  }
  std::map<std::string, std::string> places_;
};

TEST_F(CanaryCommands, ValidatePlanApplyAndFailingBuildsLeakNothing) {
  const std::filesystem::path desired = dir_.path() / "desired";
  ASSERT_TRUE(support::WriteFile(
      desired / "demo.yaml",
      Deployment("demo", "ghcr.io/acme/app", "v2.0.0", "acme/demo", CommandBuild("ok"))));
  // A broken sibling: its errors are printed, with no value from the environment.
  ASSERT_TRUE(support::WriteFile(desired / "broken.yaml",
                                 Deployment("broken", "ghcr.io/acme/app", "v1.0.0", "not a space")));

  TimedResult validated = Spaceport({"validate", desired.string()}, config_);
  Keep("validate", validated);
  EXPECT_EQ(validated.exit_code, 2) << Describe(validated);
  std::filesystem::remove(desired / "broken.yaml");

  for (const std::string format : {"text", "json", "html"}) {
    TimedResult planned = Spaceport({"plan", desired.string(), "-o", format}, config_);
    Keep("plan -o " + format, planned);
    EXPECT_EQ(planned.exit_code, 1) << Describe(planned);
  }

  TimedResult applied = Spaceport({"apply", desired.string()}, config_);
  Keep("apply", applied);
  ASSERT_EQ(applied.exit_code, 0) << Describe(applied);
  Result<Json> got = hub_->Control("GET", "/__emulator/spaces/acme/demo");
  const Json space = got.ok() ? *got : Json();
  EXPECT_EQ(RuntimeStage(space), "RUNNING") << space.Dump();

  // A failing build of the next version: its tail and log are shown, no credential.
  ASSERT_TRUE(support::WriteFile(
      desired / "demo.yaml",
      Deployment("demo", "ghcr.io/acme/app", "v3.0.0", "acme/demo", CommandBuild("fail", true))));
  TimedResult failed = Spaceport({"apply", desired.string()}, config_);
  Keep("apply (failing build)", failed);
  EXPECT_EQ(failed.exit_code, 2) << Describe(failed);
  EXPECT_NE((failed.out + failed.err).find("the build broke"), std::string::npos) << Describe(failed);

  // The build's environment is the toolchain part of Spaceport's plus the documented four
  // (docs/builds.md), never a credential: searched below with the rest.
  const std::string environ = support::ReadFile(dir_.path() / "build-proc" / "ok.environ");
  EXPECT_NE(environ.find("HOME="), std::string::npos) << environ;
  places_["/proc/PID/environ of the build: ok"] = environ;
  places_["/proc/PID/environ of the build: fail"] =
      support::ReadFile(dir_.path() / "build-proc" / "fail.environ");
  // The monitor is forked from Spaceport, not executed: it zeroes the environment it inherited
  // before the build may start, so its /proc/PID/environ holds no variable at all.
  for (const std::string name : {"ok.parent-environ", "fail.parent-environ"}) {
    const std::string text = support::ReadFile(dir_.path() / "build-proc" / name);
    EXPECT_EQ(text.find('='), std::string::npos) << name << ":\n" << text;
    places_["/proc/PID/environ of the monitor: " + name] = text;
  }
  for (const std::string expected :
       {"IMAGE=ghcr.io/acme/app:v2.0.0", "VERSION=v2.0.0", "REPOSITORY=ghcr.io/acme/app", "BUILD_ID=sp-"})
    EXPECT_NE(environ.find("\n" + expected), std::string::npos) << expected << " missing:\n" << environ;
  // The monitor (the build's parent) and the build carry no credential on their command lines.
  for (const std::string name : {"ok.cmdline", "ok.parent-cmdline", "fail.cmdline", "fail.parent-cmdline"}) {
    const std::string text = support::ReadFile(dir_.path() / "build-proc" / name);
    EXPECT_FALSE(text.empty()) << name;
    places_["/proc/PID/cmdline of the build: " + name] = text;
  }

  AddFiles(state_dir_, places_);
  ExpectNoCanary(places_);
  std::cout << "[canary] searched " << places_.size() << " outputs and files\n";
}

TEST_F(CanaryCommands, FailingAndRedirectingHubsNeverGetTheTokenOffOrigin) {
  const std::filesystem::path desired = dir_.path() / "desired";
  ASSERT_TRUE(support::WriteFile(desired / "demo.yaml",
                                 Deployment("demo", "ghcr.io/acme/app", "v1.0.0", "acme/demo")));
  // Another host: everything it receives is kept; it answers 404.
  RecordingServer elsewhere;
  ASSERT_TRUE(elsewhere.Start("127.0.0.2", [](const auto&) { return Reply(404, "{}"); }).ok());
  // A Hub that redirects every API call there.
  RecordingServer redirecting;
  ASSERT_TRUE(redirecting
                  .Start("127.0.0.1",
                         [&](const http::Server::IncomingRequest& req) {
                           http::Headers h;
                           h.Set("Location", elsewhere.base_url() + req.path + "?" + req.query);
                           return Reply(307, "", h);
                         })
                  .ok());
  // A Hub that fails every call and quotes the Authorization header it got, in the body and in
  // a header, as a badly written proxy might.
  RecordingServer failing;
  ASSERT_TRUE(failing
                  .Start("127.0.0.1",
                         [](const http::Server::IncomingRequest& req) {
                           const std::string auth = req.headers.Get("Authorization").value_or("");
                           http::Headers h;
                           h.Set("Content-Type", "application/json");
                           h.Set("X-Debug-Auth", auth);
                           return Reply(req.path.find("whoami") != std::string::npos ? 401 : 500,
                                        R"({"error":"bad request with )" + auth + R"("})", h);
                         })
                  .ok());

  for (const auto& [name, hub] : std::vector<std::pair<std::string, RecordingServer*>>{
           {"redirecting hub", &redirecting}, {"failing hub", &failing}}) {
    const std::filesystem::path config = dir_.path() / (name + ".yaml");
    ASSERT_TRUE(support::WriteFile(config, Config(hub->base_url())));
    for (const std::string command : {"plan", "apply"}) {
      TimedResult r = Spaceport({command, desired.string()}, config);
      Keep(command + " against the " + name, r);
      EXPECT_EQ(r.exit_code, 2) << name << "\n" << Describe(r);
    }
    const std::vector<std::string> got = hub->Requests();
    ASSERT_FALSE(got.empty()) << name << " got no request";
    bool token_sent = false;
    for (const std::string& request : got)
      token_sent = token_sent || request.find(std::string("Bearer ") + kCanary) != std::string::npos;
    EXPECT_TRUE(token_sent) << "the " << name << " (its own origin) never got the token";
  }
  int n = 0;
  for (const std::string& request : elsewhere.Requests())
    places_["request " + std::to_string(++n) + " to the other host"] = request;
  AddFiles(state_dir_, places_);
  ExpectNoCanary(places_);
  std::cout << "[canary] the other host got " << n << " requests\n";
}

TEST_F(CanaryCommands, RegistriesGetThePasswordOnlyOnTheirOwnOrigin) {
  RecordingServer elsewhere;
  ASSERT_TRUE(elsewhere
                  .Start("127.0.0.2",
                         [](const auto&) {
                           return Reply(200, R"({"token":"t0k3n-from-elsewhere","expires_in":300})");
                         })
                  .ok());
  // trap-a: a Bearer challenge whose realm is plain http on another host (refused: docs).
  RecordingServer trap_a;
  ASSERT_TRUE(trap_a
                  .Start("127.0.0.1",
                         [&](const http::Server::IncomingRequest&) {
                           http::Headers h;
                           h.Set("WWW-Authenticate", "Bearer realm=\"" + elsewhere.base_url() +
                                                         "/token\",service=\"trap-a\"");
                           h.Set("Content-Type", "application/json");
                           return Reply(401, R"({"errors":[{"code":"UNAUTHORIZED"}]})", h);
                         })
                  .ok());
  // trap-b: Basic auth; once authenticated, the manifest is redirected to another host.
  RecordingServer trap_b;
  ASSERT_TRUE(trap_b
                  .Start("127.0.0.1",
                         [&](const http::Server::IncomingRequest& req) {
                           http::Headers h;
                           if (!req.headers.Has("Authorization")) {
                             h.Set("WWW-Authenticate", "Basic realm=\"trap-b\"");
                             return Reply(401, "", h);
                           }
                           h.Set("Location", elsewhere.base_url() + req.path);
                           return Reply(307, "", h);
                         })
                  .ok());
  const std::filesystem::path config = dir_.path() / "traps.yaml";
  ASSERT_TRUE(support::WriteFile(config, Config(hub_->base_url(), {{"trap-a.example", trap_a.base_url()},
                                                                   {"trap-b.example", trap_b.base_url()}})));
  const std::filesystem::path desired = dir_.path() / "desired";
  ASSERT_TRUE(support::WriteFile(desired / "a.yaml",
                                 Deployment("a", "trap-a.example/acme/app", "v1.0.0", "acme/a")));
  ASSERT_TRUE(support::WriteFile(desired / "b.yaml",
                                 Deployment("b", "trap-b.example/acme/app", "v1.0.0", "acme/b")));
  for (const std::string command : {"plan", "apply"}) {
    TimedResult r = Spaceport({command, desired.string()}, config);
    Keep(command + " with trap registries", r);
    EXPECT_EQ(r.exit_code, 2) << Describe(r);
  }
  // trap-b is the password's own origin: it got Basic ciuser:CANARY.
  bool basic_sent = false;
  for (const std::string& request : trap_b.Requests())
    basic_sent = basic_sent || request.find(CanaryForms().at("basic auth")) != std::string::npos;
  EXPECT_TRUE(basic_sent) << "trap-b (its own origin) never got the credentials";
  int n = 0;
  for (const std::string& request : elsewhere.Requests())
    places_["request " + std::to_string(++n) + " to the other host"] = request;
  AddFiles(state_dir_, places_);
  ExpectNoCanary(places_);
  std::cout << "[canary] the other host got " << n << " requests\n";
}

}  // namespace
}  // namespace spaceport::e2e
