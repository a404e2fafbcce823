// The canary through the long-running controller (issue 13, "Secrets never leak"): `spaceport
// run` with the canary as every credential (canary_world.h) and as part of the notify URL,
// deploying one Space through a command build and failing another's build, a hand-made drift
// corrected after a signed Hub webhook, a signed GitHub webhook, "Reconcile now" with the trigger
// secret, the API behind the token. Then everything that came out is searched for the canary in
// any form: the log, every endpoint it serves (with and without the token), every file of the
// state directory, the notification bodies, the answers to the webhooks, the command line of the
// controller, of its children and of the build monitor. Kubernetes mode's own credentials (a
// Secret's value, the service account token, the fingerprint key) are tests/kube/kube_canary_test.cpp's.
#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "base/digest.h"
#include "e2e/canary_world.h"
#include "e2e/controller_process.h"

namespace spaceport::e2e {
namespace {

// The notify URL's path: its last segment is the canary, URL-encoded as a Slack token would be.
const std::string kNotifyPath = std::string("/services/T0/B0/") + "hf_CaNaRy7q%2BZp%2Fx3Kw9Lm";

class CanaryRun : public CanaryWorld {
 protected:
  void SetUp() override {
    CanaryWorld::SetUp();
    if (HasFatalFailure()) return;
    for (const auto& [name, value] : CanaryEnvironment()) setenv(name.c_str(), value.c_str(), 1);
    unsetenv("HF_TOKEN");
    ASSERT_TRUE(receiver_
                    .Start("127.0.0.1",
                           [](const http::Server::IncomingRequest&) { return Reply(200, "ok"); })
                    .ok());
  }
  void TearDown() override {
    if (HasFailure() && controller_) std::cerr << "--- spaceport run log ---\n" << controller_->Log();
    controller_.reset();
  }

  // GET or POST on the controller, with the API token unless `token` is false.
  http::Response Call(const std::string& method, const std::string& path, bool token = true,
                      const std::string& body = "", http::Headers headers = {}) {
    http::Request request;
    request.method = method;
    request.url = controller_->base_url() + path;
    request.body = body;
    request.headers = std::move(headers);
    if (token) request.headers.Set("Authorization", std::string("Bearer ") + kCanary);
    request.timeout = std::chrono::milliseconds(5000);
    Result<http::Response> r = http::MakeTransport({})->Send(request);
    EXPECT_TRUE(r.ok()) << method << " " << path << ": " << r.status().ToString();
    return r.ok() ? *r : http::Response{};
  }

  Json Space(const std::string& id) {
    Result<Json> got = hub_->Control("GET", "/__emulator/spaces/" + id);
    return got.ok() ? *got : Json();
  }
  static bool WaitUntil(const std::function<bool()>& condition, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return true;
  }

  // The command lines of the process and of all its descendants still alive.
  static std::map<std::string, std::string> CommandLines(pid_t root) {
    std::map<pid_t, pid_t> parent;
    if (DIR* proc = ::opendir("/proc")) {
      while (dirent* e = ::readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
        if (pid <= 0) continue;
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string line;
        std::getline(stat, line);
        const size_t close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        std::string state;
        pid_t ppid = 0;
        rest >> state >> ppid;
        parent[pid] = ppid;
      }
      ::closedir(proc);
    }
    std::map<std::string, std::string> out;
    for (const auto& [pid, ppid] : parent) {
      pid_t at = pid;
      for (int depth = 0; depth < 16 && at > 1 && at != root; ++depth)
        at = parent.count(at) ? parent[at] : 0;
      if (at == root)
        out["/proc/" + std::to_string(pid) + "/cmdline"] =
            support::ReadFile("/proc/" + std::to_string(pid) + "/cmdline");
    }
    return out;
  }

  RecordingServer receiver_;
  std::unique_ptr<ControllerProcess> controller_;
};

TEST_F(CanaryRun, NothingTheControllerServesLogsWritesOrPostsHoldsTheCanary) {
  const std::filesystem::path desired = dir_.path() / "desired";
  ASSERT_TRUE(support::WriteFile(
      desired / "demo.yaml",
      Deployment("demo", "ghcr.io/acme/app", "v2.0.0", "acme/demo", CommandBuild("ok"))));
  ASSERT_TRUE(support::WriteFile(
      desired / "broken.yaml",
      Deployment("broken", "ghcr.io/acme/other", "v1.0.0", "acme/broken", CommandBuild("fail", true))));

  // The notify URL (it holds the canary) from the environment, as docs/notifications.md says.
  setenv("SPACEPORT_NOTIFY_URL", (receiver_.base_url() + kNotifyPath).c_str(), 1);
  auto started = ControllerProcess::Start(
      {"run", desired.string(), "--config", config_.string(), "--progress-poll", "300ms",
       "--rescan-interval", "10m"},
      dir_.path() / "run.log");
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  controller_ = std::move(*started);

  // The controller's children while the first passes run (build monitors, builds, git).
  std::map<std::string, std::string> places;
  const auto first_pass = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitUntil(
      [&] {
        for (auto& [place, text] : CommandLines(controller_->pid())) places[place] = text;
        return RuntimeStage(Space("acme/demo")) == "RUNNING";
      },
      std::chrono::seconds(60)))
      << Space("acme/demo").Dump();
  std::cout << "[canary] deployed in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - first_pass).count()
            << " s\n";
  const std::filesystem::path broken_status = state_dir_ / "status" / "canary" / "broken.json";
  ASSERT_TRUE(WaitUntil(
      [&] {
        return support::ReadFile(broken_status).find("BuildFailed") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << support::ReadFile(broken_status);

  // A hand-made change, corrected after a signed Hub webhook. Made once the controller has seen
  // the deploy through (DeploySucceeded): a difference found while a deploy is still on its way
  // is part of that deploy, not drift, and would raise no DriftCorrected (docs/status.md).
  // Notifications are posted by the notifier's own thread: they may come a little after the fact.
  auto notified = [&](const std::string& event) {
    return WaitUntil(
        [&] {
          for (const std::string& request : receiver_.Requests())
            if (request.find(event) != std::string::npos) return true;
          return false;
        },
        std::chrono::seconds(30));
  };
  ASSERT_TRUE(notified("DeploySucceeded")) << "no DeploySucceeded notification within 30 s";
  ASSERT_TRUE(hub_->Control("POST", "/__emulator/spaces/acme/demo/hardware", R"({"flavor":"cpu-upgrade"})").ok());
  const std::string hub_hook =
      R"({"event":{"action":"update","scope":"repo.config"},"repo":{"type":"space","name":"acme/demo","id":"6500000000000000000000aa"},"webhook":{"id":"w1","version":3}})";
  http::Headers hub_headers;
  hub_headers.Set("Content-Type", "application/json");
  hub_headers.Set("X-Webhook-Secret", kCanary);
  const http::Response hub_answer = Call("POST", "/hooks/hub", false, hub_hook, hub_headers);
  EXPECT_EQ(hub_answer.status, 202) << hub_answer.body;
  EXPECT_TRUE(WaitUntil(
      [&] { return Field(Space("acme/demo"), {"runtime", "hardware", "requested"}) == "cpu-basic"; },
      std::chrono::seconds(30)))
      << Space("acme/demo").Dump();

  // A signed GitHub package event, a wrongly signed one, "Reconcile now" with and without the secret.
  const std::string package =
      R"({"action":"published","package":{"id":1,"name":"app","namespace":"acme","package_type":"CONTAINER","owner":{"login":"acme"},"package_version":{"id":2,"container_metadata":{"tag":{"name":"v2.0.0","digest":""}}}},"repository":{"full_name":"acme/app"},"sender":{"login":"acme-bot"}})";
  http::Headers gh;
  gh.Set("Content-Type", "application/json");
  gh.Set("X-GitHub-Event", "package");
  gh.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  gh.Set("X-Hub-Signature-256", "sha256=" + HmacSha256Hex(kCanary, package));
  std::map<std::string, std::string> answers;
  answers["/hooks/hub answer"] = hub_answer.body;
  answers["/hooks/github answer"] = Call("POST", "/hooks/github", false, package, gh).body;
  gh.Set("X-Hub-Signature-256", "sha256=" + HmacSha256Hex("wrong", package));
  answers["/hooks/github wrongly signed answer"] = Call("POST", "/hooks/github", false, package, gh).body;
  const std::string generic = R"({"deployments":["canary/demo"]})";
  http::Headers signed_generic;
  signed_generic.Set("Content-Type", "application/json");
  signed_generic.Set("X-Signature", "sha256=" + HmacSha256Hex(kCanary, generic));
  const http::Response generic_answer = Call("POST", "/hooks/generic", false, generic, signed_generic);
  EXPECT_EQ(generic_answer.status, 202) << generic_answer.body;
  answers["/hooks/generic answer"] = generic_answer.body;
  signed_generic.Set("X-Signature", "sha256=" + HmacSha256Hex("wrong", generic));
  answers["/hooks/generic wrongly signed answer"] = Call("POST", "/hooks/generic", false, generic, signed_generic).body;
  http::Headers trigger;
  trigger.Set("X-Spaceport-Trigger", kCanary);
  const http::Response reconcile =
      Call("POST", "/api/v1/deployments/canary/demo/reconcile", true, "", trigger);
  EXPECT_EQ(reconcile.status, 202) << reconcile.body;
  answers["reconcile answer"] = reconcile.body;
  trigger.Set("X-Spaceport-Trigger", std::string(kCanary) + "x");
  answers["reconcile with a wrong secret"] =
      Call("POST", "/api/v1/deployments/canary/demo/reconcile", true, "", trigger).body;

  // Every endpoint, with the token, and the refusals without it.
  for (const std::string path :
       {"/healthz", "/readyz", "/metrics", "/api/v1/drift", "/api/v1/drift?format=markdown",
        "/api/v1/drift?format=text", "/api/v1/status", "/api/v1/budget", "/api/v1/console",
        "/api/v1/fleet", "/api/v1/timeline", "/api/v1/deployments/canary/demo",
        "/api/v1/deployments/canary/broken", "/", "/index.html", "/no/such/page"}) {
    const http::Response r = Call("GET", path);
    if (path.rfind("/api/v1/", 0) == 0) {
      EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    }
    std::string head;
    for (const auto& [name, value] : r.headers.items()) head += name + ": " + value + "\n";
    places["GET " + path] = head + "\n" + r.body;
    const http::Response anonymous = Call("GET", path, false);
    places["GET " + path + " without the token"] = anonymous.body;
  }
  ASSERT_NE(places["GET /api/v1/deployments/canary/broken"].find("BuildFailed"), std::string::npos)
      << places["GET /api/v1/deployments/canary/broken"];
  places["/proc/PID/cmdline of the controller"] =
      support::ReadFile("/proc/" + std::to_string(controller_->pid()) + "/cmdline");
  for (auto& [place, text] : CommandLines(controller_->pid())) places[place] = text;

  // Wait for the correction's notification (on a busy CI machine it came after the endpoints were
  // read) before stopping the controller.
  EXPECT_TRUE(notified("DriftCorrected")) << "no DriftCorrected notification within 30 s";
  ASSERT_EQ(controller_->Terminate(), 0);  // flushes the notifications
  places["controller log"] = support::ReadFile(dir_.path() / "run.log");
  ASSERT_FALSE(places["controller log"].empty());
  for (auto& [place, text] : answers) places[place] = text;
  int n = 0;
  bool drift_corrected = false;
  for (const std::string& request : receiver_.Requests()) {
    // The request line holds the URL's path (the canary) by construction: search the rest.
    places["notification " + std::to_string(++n)] = request.substr(request.find('\n'));
    drift_corrected = drift_corrected || request.find("DriftCorrected") != std::string::npos;
  }
  EXPECT_TRUE(drift_corrected) << "no DriftCorrected notification among " << n;
  AddFiles(state_dir_, places);
  for (const std::string name : {"ok.cmdline", "ok.parent-cmdline", "fail.cmdline", "fail.parent-cmdline"}) {
    places["build: " + name] = support::ReadFile(dir_.path() / "build-proc" / name);
    EXPECT_FALSE(places["build: " + name].empty()) << name;
  }
  // The build's environment: the toolchain part of Spaceport's plus IMAGE, VERSION, REPOSITORY,
  // BUILD_ID (docs/builds.md), never a credential; searched with the rest.
  const std::string environ = support::ReadFile(dir_.path() / "build-proc" / "ok.environ");
  places["/proc/PID/environ of the build: ok"] = environ;
  places["/proc/PID/environ of the build: fail"] =
      support::ReadFile(dir_.path() / "build-proc" / "fail.environ");
  // The monitor is forked from Spaceport, not executed: it zeroes the environment it inherited
  // before the build may start, so its /proc/PID/environ holds no variable at all.
  for (const std::string name : {"ok.parent-environ", "fail.parent-environ"}) {
    const std::string text = support::ReadFile(dir_.path() / "build-proc" / name);
    EXPECT_EQ(text.find('='), std::string::npos) << name << ":\n" << text;
    places["/proc/PID/environ of the monitor: " + name] = text;
  }
  for (const std::string expected : {"IMAGE=ghcr.io/acme/app:v2.0.0", "VERSION=v2.0.0", "BUILD_ID=sp-"})
    EXPECT_NE(environ.find(expected), std::string::npos) << expected << "\n" << environ;

  ExpectNoCanary(places);
  std::cout << "[canary] searched " << places.size() << " places, " << n << " notifications\n";
}

}  // namespace
}  // namespace spaceport::e2e
