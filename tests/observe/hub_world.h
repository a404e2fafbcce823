// What the Hub observer's tests share: a Hub emulator on a FakeClock served in process (every
// FROM image "exists", so builds reach RUNNING), a HubClient that reaches it through an
// in-process transport, a state directory, and helpers to seed Spaces out of band through the
// emulator's control API (docs/hub-emulator.md) and to read its request statistics.
//
//   HubWorld world;
//   world.Seed("alice/demo", {{"Dockerfile", "FROM x\n"}});
//   auto client = world.Client();
//   ObserveSpaces(desired, *client, {.state_dir = world.state_dir()}, observation);
//   world.RequestsFor("alice/demo");          // what the emulator counted for that Space
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "clients/hub/hub_client.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/image_probe.h"
#include "http/http.h"
#include "http/query.h"
#include "support/in_process_transport.h"
#include "support/temp_dir.h"

namespace spaceport::observe::testing {

inline constexpr char kAliceToken[] = "hf_alice_observer_token";

class EveryImageExists final : public hub_emulator::ImageProbe {
 public:
  hub_emulator::ProbeResult Check(const hub_emulator::ImageRef& ref) override {
    return {true, ref.ToString() + ": found"};
  }
};

inline hub_emulator::Options WorldOptions() {
  hub_emulator::Options o;
  o.tokens = {{kAliceToken, "alice", {"acme"}, "write", "observer"}};
  o.build_time = std::chrono::seconds(10);
  o.start_time = std::chrono::seconds(5);
  o.base_url = "http://127.0.0.1";
  return o;
}

class HubWorld {
 public:
  HubWorld()
      : emulator(WorldOptions(), clock, std::make_unique<EveryImageExists>()),
        transport([this](const http::Server::IncomingRequest& in) { return emulator.Handle(in); }),
        budget(std::make_shared<hub::HostBudget>(clock)) {}

  const std::string& state_dir() const { return state_dir_string_; }

  std::unique_ptr<hub::HubClient> Client(const std::string& token = kAliceToken) {
    hub::HubConfig config;
    config.endpoint = "http://127.0.0.1";
    config.token = hub::HubToken{token, "test token"};
    auto client = hub::HubClient::Create(config, transport, clock, budget);
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(*client) : nullptr;
  }

  Json Control(const std::string& method, const std::string& path, const Json& body = Json()) {
    auto answer = emulator.Control(method, path, body.is_null() ? "" : body.Dump());
    EXPECT_TRUE(answer.ok()) << method << " " << path << ": " << answer.status().ToString();
    return answer.ok() ? *answer : Json();
  }

  // Creates the docker Space `id` (seeded with .gitattributes and README.md, as on the Hub) and,
  // when `files` is not empty, commits them on top. Returns the head sha.
  std::string Seed(const std::string& id, const std::map<std::string, std::string>& files = {}) {
    auto client = Client();
    auto created = client->CreateSpace({.id = id});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!files.empty()) Commit(id, files);
    return Head(id);
  }

  std::string Commit(const std::string& id, const std::map<std::string, std::string>& files) {
    Json contents = Json::Object();
    for (const auto& [path, content] : files) contents.Set(path, Json(content));
    Json body = Json::Object();
    body.Set("summary", Json("out-of-band commit"));
    body.Set("files", std::move(contents));
    return Control("POST", "/__emulator/spaces/" + id + "/commit", body).GetString("commitOid");
  }

  void SetVariable(const std::string& id, const std::string& key, const std::string& value) {
    Json body = Json::Object();
    body.Set("key", Json(key));
    body.Set("value", Json(value));
    Control("POST", "/__emulator/spaces/" + id + "/variables", body);
  }

  void SetSecret(const std::string& id, const std::string& key, const std::string& value,
                 const std::string& description) {
    Json body = Json::Object();
    body.Set("key", Json(key));
    body.Set("value", Json(value));
    body.Set("description", Json(description));
    Control("POST", "/__emulator/spaces/" + id + "/secrets", body);
  }

  std::string Head(const std::string& id) {
    return Control("GET", "/__emulator/spaces/" + id).GetString("sha");
  }

  // Lets image checks report, then moves time (BUILDING 10 s, APP_STARTING 5 s).
  void Settle(Clock::Duration d = std::chrono::seconds(20)) {
    emulator.WaitForBuildChecks();
    clock.Advance(d);
  }

  void ResetStats() { Control("POST", "/__emulator/stats/reset"); }
  // Requests the emulator served for one Space since the last reset ("spaces/alice/demo").
  int64_t RequestsFor(const std::string& id) {
    const Json stats = Control("GET", "/__emulator/stats");
    const Json* by_repo = stats.Find("requests") ? stats.Find("requests")->Find("by_repo") : nullptr;
    const Json* n = by_repo ? by_repo->Find("spaces/" + id) : nullptr;
    return n ? n->AsInt().value_or(-1) : 0;
  }
  // Requests per route label ("GET /api/spaces/{ns}/{name}/variables") since the last reset.
  std::map<std::string, int64_t> RequestsByRoute() {
    std::map<std::string, int64_t> out;
    const Json stats = Control("GET", "/__emulator/stats");
    if (const Json* routes = stats.Find("requests") ? stats.Find("requests")->Find("by_route") : nullptr)
      for (const auto& [route, n] : routes->Members()) out[route] = n.AsInt().value_or(-1);
    return out;
  }

  FakeClock clock;
  hub_emulator::HubEmulator emulator;
  support::InProcessTransport transport;
  std::shared_ptr<hub::HostBudget> budget;

 private:
  support::TempDir state_dir_{"hub-observer"};
  std::string state_dir_string_ = state_dir_.path().string();
};

}  // namespace spaceport::observe::testing
