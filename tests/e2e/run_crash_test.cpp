// `spaceport run` survives SIGKILL (issue 6, "Done when" 3): the controller is killed at random
// points during its reconciles 20 times and restarted each time, and it still converges, with no
// Space committed twice and no image built twice.
//
// The world: four SpaceDeployments with five `create: true` Spaces (variables, a secret from the
// environment, hardware, sleep time, a health check); `alpha` has two Spaces, and `delta` asks for
// versions that are not in the registry, with a command build (a script that appends "VERSION
// PID" to builds.log, sleeps 1 s and copies the base to the tag with skopeo). The emulator takes
// 0.8 s to build a Space and 0.6 s to start it, every settings write restarts it, and the
// controller polls progress every 200 ms with 4 workers.
//
// A fixed desired state converges within about 3 s of controller time, and its writes take the
// first 200 ms of it, so most kills would hit a controller that only waits. So the desired state
// moves on every round (crash_desired_state.h: variables every round, new versions, builds,
// hardware and a rotated secret every few), and half the kills are aimed: they come the moment the
// run's log shows the start of its k-th write (k random: publish, create, commit, settings,
// build), i.e. while it is on the wire. The other half come after a random 50-1500 ms, mostly
// while Spaces build and start. Both draw from std::mt19937 with a fixed seed, printed;
// SPACEPORT_CRASH_SEED=N explores other kill points. The default seed's kills include one during
// BuildImage that, before build_command.cpp held the command until its lock record was written,
// made the next controller build v2.3.0 a second time.
//
// After every kill the state directory's JSON files (status, build records, Space file cache)
// must parse (a torn file is a bug), and what each deployment was doing is read from the run's
// log and printed. Then the controller runs once more until every deployment is Ready, and is
// stopped with SIGTERM (exit 0).
//
// Then: every Space runs the last generation exactly (wrapper pinned by digest, variables,
// secret value and fingerprint, hardware, sleep time); no Space has two Spaceport commits for one
// version (nor for one it was never asked for), no two commits with the same tree, and its newest
// Spaceport commit is the last version; builds.log has at most one start per version and exactly
// one for the last; each wrapper tag kept one digest through every kill; no secret value appears in
// any run's log.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "e2e/build_fixture.h"
#include "e2e/controller_process.h"
#include "e2e/crash_desired_state.h"

namespace spaceport::e2e {
namespace {

namespace fs = std::filesystem;

constexpr int kKills = kGenerations;  // one generation of the desired state per round
constexpr uint32_t kDefaultSeed = 6020;
constexpr int kMinKillMs = 50;
constexpr int kMaxKillMs = 1500;
constexpr int kMaxAimedWrite = 6;  // aimed kills come at the start of write 1..6 of the run
constexpr std::chrono::seconds kConvergeDeadline{120};
constexpr int64_t kHubBudget = 100000;  // requests per 5-minute window, emulator and controller

// What each deployment was doing when the process died, from the run's log: the action started
// ("KEY: KIND TARGET ...") and not finished ("... done in" / "... FAILED in"); else the Ready
// condition of its last finished pass; else "observing" (no pass of this run ended yet, and no
// action began: loading, observing or planning).
std::map<std::string, std::string> PhasesAtKill(const fs::path& log) {
  static const std::regex action(R"(^(\S+): ([A-Za-z]+) (\S+) (\.\.\.|done in|FAILED in))");
  static const std::regex ready(R"(^(\S+): .*Ready=(\w+) (\w+))");
  std::map<std::string, std::map<std::string, std::string>> open;  // key → "kind target" → kind
  std::map<std::string, std::string> last;                         // key → last pass's Ready
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    Result<Json> record = Json::Parse(line);
    const std::string msg = record.ok() && record->is_object() ? record->GetString("msg") : line;
    std::smatch m;
    if (std::regex_search(msg, m, action)) {
      const std::string id = m[2].str() + " " + m[3].str();
      if (m[4] == "...") {
        open[m[1]][id] = m[2];
      } else {
        open[m[1]].erase(id);
      }
    } else if (std::regex_search(msg, m, ready)) {
      last[m[1]] = m[2] == "True" ? "Ready" : "waiting (" + m[3].str() + ")";
    }
  }
  std::map<std::string, std::string> phases;
  for (const CrashDeployment& d : DesiredState(0)) {
    const std::string key = "crash/" + d.name;
    if (!open[key].empty()) {
      phases[d.name] = open[key].begin()->second;
    } else if (last.count(key)) {
      phases[d.name] = last[key];
    } else {
      phases[d.name] = "observing";
    }
  }
  return phases;
}

// Waits until the run's log shows the start of its `n`th write ("KEY: KIND TARGET ..." for any
// action but AwaitBuild and AwaitRunning) and returns "KIND TARGET"; "" when `limit` passed first.
// Reads only what was appended since the last look, so the kill follows the line within about a
// millisecond, while the write is still on the wire.
std::string WaitForWriteStart(const fs::path& log, int n, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  std::ifstream in(log, std::ios::binary);
  std::string partial;
  int seen = 0;
  while (std::chrono::steady_clock::now() < until) {
    char buffer[65536];
    in.clear();  // past the end last time; the file has grown since
    in.read(buffer, sizeof buffer);
    partial.append(buffer, static_cast<size_t>(in.gcount()));
    for (size_t newline = partial.find('\n'); newline != std::string::npos;
         newline = partial.find('\n')) {
      Result<Json> record = Json::Parse(partial.substr(0, newline));
      partial.erase(0, newline + 1);
      const std::string msg = record.ok() && record->is_object() ? record->GetString("msg") : "";
      const size_t colon = msg.find(": ");
      if (colon == std::string::npos || !msg.ends_with(" ...")) continue;
      const std::string action = msg.substr(colon + 2, msg.size() - colon - 2 - 4);
      if (action.rfind("Await", 0) == 0) continue;
      if (++seen == n) return action;
    }
    if (in.gcount() == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return "";
}

// Every *.json under `dir` that does not parse (a torn write), and the temporary files that
// writes cut short left behind.
struct StateFiles {
  int parsed = 0;
  int leftovers = 0;
  std::string leftover_names;
  std::vector<std::string> torn;
};

StateFiles CheckStateFiles(const fs::path& dir) {
  StateFiles out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const fs::path& path = it->path();
    if (path.filename().string().find(".tmp") != std::string::npos) {
      ++out.leftovers;
      out.leftover_names += " " + fs::relative(path, dir).string();
      continue;
    }
    if (path.extension() != ".json") continue;
    Result<Json> doc = Json::Parse(support::ReadFile(path));
    if (doc.ok() && doc->is_object()) {
      ++out.parsed;
    } else {
      out.torn.push_back(path.string() + ": " +
                         (doc.ok() ? "not an object" : doc.status().message()));
    }
  }
  return out;
}

class ControllerCrash : public BuildE2eTest {
 protected:
  ControllerCrash() {
    hub_options_.build_seconds = "0.8";
    hub_options_.start_seconds = "0.6";
    // Polling every 200 ms through 21 starts reads more than the Hub's default 1000 requests
    // per window, and a restarted controller rightly counts the window's requests of the
    // process before it; the budget is not what this test is about (the scale test's is).
    hub_options_.budget = std::to_string(kHubBudget);
  }

  void SetUp() override {
    BuildE2eTest::SetUp();
    if (HasFatalFailure()) return;
    // `spaceport run` inherits this process's environment (ctest runs each test on its own).
    setenv("HF_TOKEN_E2E", kHubToken, 1);
    std::string config = ControllerConfig();
    const std::string token_line = "  tokenFromEnv: HF_TOKEN_E2E\n";
    ASSERT_NE(config.find(token_line), std::string::npos) << config;
    config.insert(config.find(token_line) + token_line.size(),
                  "  budget: {requests: " + std::to_string(kHubBudget) + ", windowSeconds: 300}\n");
    ASSERT_TRUE(support::WriteFile(config_, config));

    for (const std::string& version : SeededVersions()) {
      if (version == "v1.0.0") continue;  // E2eTest's base
      support::ImageSeeder seeder(dir_.path() / ("seed-" + version));
      support::ImageSpec spec;
      spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "APP_VERSION=" + version};
      auto seeded = seeder.Push(*registry_, "acme/app", version, spec);
      ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
    }

    script_ = dir_.path() / "build.sh";
    ASSERT_TRUE(support::WriteFile(
        script_, "set -e\necho \"$VERSION $$\" >> '" + BuildsLog().string() + "'\nsleep 1\n" +
                     "exec skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false "
                     "docker://" +
                     registry_->host() +
                     "/acme/app:v1.0.0 "
                     "\"docker://" +
                     registry_->host() + "/acme/app:${VERSION}\"\n"));
    desired_ = dir_.path() / "desired";
  }

  // Writes generation `g` of the desired state and the secret value it asks for.
  void WriteGeneration(int g) {
    for (const CrashDeployment& d : DesiredState(g))
      ASSERT_TRUE(support::WriteFile(desired_ / (d.name + ".yaml"), DeploymentYaml(d, script_)));
    setenv("DEMO_API_KEY", SecretValue(g).c_str(), 1);
  }

  fs::path BuildsLog() const { return dir_.path() / "builds.log"; }
  fs::path RunLog(int run) const { return dir_.path() / ("run-" + std::to_string(run) + ".log"); }

  std::unique_ptr<ControllerProcess> StartController(int run) {
    auto c = ControllerProcess::Start({"run", desired_.string(), "--config", config_.string(),
                                       "--concurrency", "4", "--progress-poll", "200ms"},
                                      RunLog(run));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(*c) : nullptr;
  }

  // Ready True for every deployment in the controller's /api/v1/status.
  static bool AllReady(ControllerProcess& c) {
    auto response = c.Get("/api/v1/status");
    if (!response.ok() || response->status != 200) return false;
    Result<Json> doc = Json::Parse(response->body);
    const Json* items = doc.ok() ? doc->Find("items") : nullptr;
    if (items == nullptr || items->size() != DesiredState(0).size()) return false;
    for (size_t i = 0; i < items->size(); ++i) {
      const Json* conditions = items->At(i).Find("conditions");
      bool ready = false;
      for (size_t j = 0; conditions && j < conditions->size(); ++j)
        ready = ready || (conditions->At(j).GetString("type") == "Ready" &&
                          conditions->At(j).GetString("status") == "True");
      if (!ready) return false;
    }
    return true;
  }

  // The digest the registry serves for acme/app:TAG, or "" while the tag is missing.
  std::string DigestIfPresent(const std::string& tag) {
    return RegistryManifestStatus(tag) == 200 ? RegistryDigest(tag) : "";
  }

  // Build starts per version, from builds.log.
  std::map<std::string, int> BuildStarts() const {
    std::map<std::string, int> starts;
    std::ifstream in(BuildsLog());
    for (std::string version, pid; in >> version >> pid;) ++starts[version];
    return starts;
  }

  // GET on the Hub API with the test's token.
  Result<Json> HubGet(const std::string& path) {
    http::Request request;
    request.url = hub_->base_url() + path;
    request.headers.Add("Authorization", std::string("Bearer ") + kHubToken);
    auto response = http::MakeTransport({})->Send(request);
    if (!response.ok()) return response.status();
    if (response->status != 200)
      return Status(StatusCode::kUnavailable,
                    path + ": " + std::to_string(response->status) + " " + response->body);
    return Json::Parse(response->body);
  }

  // One Space's commits, newest first, each with its tree (path:oid of every top-level entry).
  struct CommitInfo {
    std::string id, title, message, tree;
  };
  std::vector<CommitInfo> Commits(const std::string& space) {
    std::vector<CommitInfo> out;
    Result<Json> list = HubGet("/api/spaces/" + space + "/commits/main");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (!list.ok()) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      CommitInfo c{list->At(i).GetString("id"), list->At(i).GetString("title"),
                   list->At(i).GetString("message"), ""};
      Result<Json> tree = HubGet("/api/spaces/" + space + "/tree/" + c.id);
      EXPECT_TRUE(tree.ok()) << tree.status().ToString();
      for (size_t j = 0; tree.ok() && j < tree->size(); ++j)
        c.tree += tree->At(j).GetString("path") + ":" + tree->At(j).GetString("oid") + " ";
      out.push_back(std::move(c));
    }
    return out;
  }

  fs::path script_;
  fs::path desired_;
};

TEST_F(ControllerCrash, TwentySigkillsMidReconcileStillConvergeWithNoDuplicateCommitOrBuild) {
  uint32_t seed = kDefaultSeed;
  if (const char* s = std::getenv("SPACEPORT_CRASH_SEED"))
    seed = static_cast<uint32_t>(std::strtoul(s, nullptr, 10));
  std::cout << "crash test seed " << seed << " (SPACEPORT_CRASH_SEED=N to change it)\n";
  RecordProperty("seed", static_cast<int>(seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> kill_after(kMinKillMs, kMaxKillMs);
  std::uniform_int_distribution<int> aim_at(1, kMaxAimedWrite);
  std::bernoulli_distribution aimed(0.5);

  std::map<std::string, std::set<std::string>> wrapper_digests;  // tag → digests seen
  std::map<std::string, int> phases_seen;                        // phase → (kill, deployment)s
  int mid_work = 0, kills_in_actions = 0, kills_while_building = 0, parsed = 0, leftovers = 0;
  std::string leftover_names;
  std::vector<std::string> torn;
  const auto started = std::chrono::steady_clock::now();

  for (int run = 1; run <= kKills; ++run) {
    const int generation = run - 1;
    WriteGeneration(generation);
    if (HasFatalFailure()) return;
    const bool aim = aimed(random);
    const int wait_ms = kill_after(random);
    const int write_number = aim_at(random);
    std::unique_ptr<ControllerProcess> c = StartController(run);
    ASSERT_NE(c, nullptr);
    std::string when;
    if (aim) {
      const std::string action =
          WaitForWriteStart(RunLog(run), write_number, std::chrono::milliseconds(kMaxKillMs));
      when = "at the start of write " + std::to_string(write_number) +
             (action.empty() ? " (never came; after " + std::to_string(kMaxKillMs) + " ms)"
                             : " " + action);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      when = "after " + std::to_string(wait_ms) + " ms";
    }
    ASSERT_TRUE(c->Running()) << "spaceport run exited on its own:\n"
                              << support::ReadFile(RunLog(run));
    c->Kill();

    const std::map<std::string, std::string> phases = PhasesAtKill(RunLog(run));
    bool busy = false, in_action = false;
    std::string described;
    for (const auto& [name, phase] : phases) {
      ++phases_seen[phase];
      busy = busy || phase != "Ready";
      in_action =
          in_action || (phase != "Ready" && phase != "observing" && phase.rfind("waiting", 0) != 0);
      described += (described.empty() ? "" : ", ") + name + ": " + phase;
    }
    mid_work += busy;
    kills_in_actions += in_action;
    bool building = false;
    for (const auto& [version, n] : BuildStarts())
      building = building || RegistryManifestStatus(version) != 200;
    kills_while_building += building;

    const StateFiles files = CheckStateFiles(state_dir_);
    for (const std::string& t : files.torn)
      torn.push_back("after kill " + std::to_string(run) + ": " + t);
    parsed = files.parsed;
    leftovers = files.leftovers;
    leftover_names = files.leftover_names;
    for (const std::string& version : AllVersions())
      if (std::string d = DigestIfPresent("hf-amd64-" + version); !d.empty())
        wrapper_digests["hf-amd64-" + version].insert(d);

    std::cout << "kill " << run << " " << when << ": " << described
              << (building ? "; a build running" : "") << "\n";
    if (std::getenv("SPACEPORT_E2E_VERBOSE")) std::cout << support::ReadFile(RunLog(run));
  }
  const double kill_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // The last start: it must converge on its own.
  const auto last_start = std::chrono::steady_clock::now();
  std::unique_ptr<ControllerProcess> last = StartController(kKills + 1);
  ASSERT_NE(last, nullptr);
  // /readyz first: until this process has reconciled every deployment once, /api/v1/status
  // serves the statuses the killed one left, which may describe an older generation.
  const bool converged =
      WaitFor([&] { return last->WaitReady(std::chrono::seconds(1)) && AllReady(*last); },
              kConvergeDeadline);
  const double converge_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_start).count();
  std::string status_doc;
  if (auto s = last->Get("/api/v1/status"); s.ok()) status_doc = s->body;
  EXPECT_EQ(last->Terminate(), 0) << support::ReadFile(RunLog(kKills + 1));
  ASSERT_TRUE(converged) << "not every deployment Ready " << kConvergeDeadline.count()
                         << " s after the last start:\n"
                         << status_doc << "\n--- last run's log ---\n"
                         << support::ReadFile(RunLog(kKills + 1));

  std::cout << kKills << " kills in " << kill_seconds << " s: " << mid_work
            << " with a deployment not Ready, " << kills_in_actions << " inside an action, "
            << kills_while_building << " while a build ran; converged " << converge_seconds
            << " s after the last start\nphases at the kills (per deployment):";
  for (const auto& [phase, n] : phases_seen) std::cout << " " << phase << " x" << n << ";";
  std::cout << "\nJSON files in the state directory after the last kill: " << parsed
            << "; leftover temporary files: " << leftovers << leftover_names
            << "\nHub requests in all: " << TotalRequests(Stats()) << "\n";
  RecordProperty("kills_mid_work", mid_work);
  RecordProperty("kills_inside_an_action", kills_in_actions);
  RecordProperty("converge_ms_after_last_start", static_cast<int>(converge_seconds * 1000));

  EXPECT_TRUE(torn.empty()) << "torn JSON in the state directory:\n"
                            << testing::PrintToString(torn);
  EXPECT_GE(mid_work, kKills * 3 / 4) << "too few kills landed mid-reconcile to mean anything";
  EXPECT_GE(kills_in_actions, 2) << "too few kills landed inside an action";
  EXPECT_GE(kills_while_building, 1) << "no kill landed while a build ran";

  for (int run = 1; run <= kKills + 1; ++run) {
    const std::string log = support::ReadFile(RunLog(run));
    for (int g = 0; g < kGenerations; ++g)
      EXPECT_EQ(log.find(SecretValue(g)), std::string::npos)
          << "run " << run << " printed a secret";
  }

  // No image built twice; the last generation's version built exactly once.
  const std::vector<CrashDeployment> final_state = DesiredState(kGenerations - 1);
  const std::map<std::string, int> builds = BuildStarts();
  for (const auto& [version, n] : builds)
    EXPECT_EQ(n, 1) << version << " was built " << n << " times";
  for (const CrashDeployment& d : final_state) {
    if (d.build) {
      EXPECT_EQ(builds.count(d.version), 1u) << d.version << " was never built";
    }
  }
  std::cout << "builds:";
  for (const auto& [version, n] : builds) std::cout << " " << version << " x" << n;
  std::cout << "\n";

  // Each wrapper tag held one digest through every kill and restart.
  for (const auto& [tag, digests] : wrapper_digests)
    EXPECT_EQ(digests.size(), 1u) << tag << " was published with different digests";

  const std::string key = FingerprintKey();
  ASSERT_FALSE(key.empty()) << "no fingerprint key in " << state_dir_;
  const std::string secret = SecretValue(kGenerations - 1);
  for (const CrashDeployment& d : final_state) {
    const std::string wrapper = "hf-amd64-" + d.version;
    const std::string digest = RegistryDigest(wrapper);
    ASSERT_FALSE(digest.empty()) << wrapper;
    EXPECT_TRUE(wrapper_digests[wrapper].empty() || *wrapper_digests[wrapper].begin() == digest)
        << wrapper;
    for (const CrashSpace& s : d.spaces) {
      SCOPED_TRACE(s.id);
      const Json space = SpaceState(s.id);
      EXPECT_EQ(RuntimeStage(space), "RUNNING") << space.Dump();
      EXPECT_EQ(DockerfileFrom(space), std::string(kRepository) + ":" + wrapper + "@" + digest);
      EXPECT_EQ(Field(space, {"variables", "LOG_LEVEL", "value"}), d.log_level);
      EXPECT_EQ(Field(space, {"variables", "SPACE_NAME", "value"}), SpaceName(s.id));
      EXPECT_EQ(Field(space, {"secrets", "API_KEY", "valueSha256"}), Sha256Hex(secret));
      EXPECT_NE(Field(space, {"secrets", "API_KEY", "description"})
                    .find("spaceport:hmac-sha256=" + HmacSha256Hex(key, secret)),
                std::string::npos);
      EXPECT_EQ(Field(space, {"runtime", "hardware", "current"}), s.hardware);
      EXPECT_EQ(Field(space, {"runtime", "gcTimeout"}), "3600");

      // Spaceport's commits: one per version at most (no Space is asked for a version twice),
      // each for a version the Space was asked for, the newest for the last version; and no two
      // commits with the same tree.
      // A title is "Deploy REPOSITORY:VERSION (sha256:…)", or without the digest when the commit
      // was planned in the pass that built and wrapped the image (the digest was not known yet):
      // compare the part before " (".
      const auto deployed = [](const std::string& title) { return title.substr(0, title.find(" (")); };
      std::set<std::string> asked;  // "Deploy REPOSITORY:VERSION" of every generation
      for (int g = 0; g < kGenerations; ++g)
        for (const CrashDeployment& then : DesiredState(g))
          if (then.name == d.name)
            asked.insert("Deploy " + std::string(kRepository) + ":" + then.version);
      const std::vector<CommitInfo> commits = Commits(s.id);
      std::string listing;
      std::map<std::string, int> ours;  // title → commits
      std::string newest_ours;
      std::set<std::string> trees;
      for (const CommitInfo& c : commits) {
        listing += "  " + c.id.substr(0, 12) + " " + c.title + " [" + c.tree + "]\n";
        trees.insert(c.tree);
        if (c.message.find("Deployed by Spaceport") == std::string::npos) continue;
        ++ours[deployed(c.title)];
        if (newest_ours.empty()) newest_ours = deployed(c.title);
        EXPECT_EQ(asked.count(deployed(c.title)), 1u) << "a commit for a version never asked for: " << c.title;
      }
      EXPECT_FALSE(ours.empty()) << listing;
      for (const auto& [title, n] : ours)
        EXPECT_EQ(n, 1) << "committed twice: " << title << "\n" << listing;
      EXPECT_EQ(newest_ours, "Deploy " + std::string(kRepository) + ":" + d.version) << listing;
      EXPECT_EQ(trees.size(), commits.size()) << "two commits with the same tree:\n" << listing;
    }
  }
}

}  // namespace
}  // namespace spaceport::e2e
