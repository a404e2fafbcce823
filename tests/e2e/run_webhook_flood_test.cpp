// `spaceport run`'s webhook port under a flood (issue 13, "Webhook receivers"): 1,000 connections
// held open on the controller (half idle, half stopped in the middle of a POST /hooks/hub's
// headers) and 20 slowloris clients dripping one header byte every 500 ms, all at once, while
// the desired state changes.
//
// Checked while the flood lasts: the reconcile loop is not starved (an edit to the desired state
// reaches the Space as fast as without the flood, well under its bound), /healthz answers in under
// a second, a signed Hub webhook is accepted (202) and triggers its pass, a wrongly signed one gets
// 401 and malformed JSON 400; every slowloris client is cut off with 408 at the header deadline
// (10 s); the controller's resident memory grows by less than 64 MiB and falls back once the
// clients leave. Printed: VmRSS before, during and after, VmHWM, and the times.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/process_memory.h"
#include "e2e/run_fixture.h"
#include "http/raw_client.h"

namespace spaceport::e2e {
namespace {

using http::testing::RawClient;
using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

constexpr int kHeldConnections = 1000;
constexpr int kSlowlorisClients = 20;

// VmRSS and VmHWM of a process, in KiB.
std::pair<long, long> RssKiB(pid_t pid) {
  const ProcessMemory m = ReadProcessMemory(pid);
  return {m.rss_kib, m.hwm_kib};
}

double Seconds(steady_clock::time_point since) {
  return std::chrono::duration<double>(steady_clock::now() - since).count();
}

class RunWebhookFlood : public RunTest {
 protected:
  int Port() const {
    const std::string& url = controller_->base_url();
    return std::stoi(url.substr(url.rfind(':') + 1));
  }

  // Sets LOG_LEVEL in demo.yaml and returns the seconds until the Space has it.
  double EditReachesTheSpace(const std::filesystem::path& desired, const std::string& level) {
    std::string yaml = support::ReadFile(desired / "demo.yaml");
    const size_t at = yaml.find("LOG_LEVEL: ");
    EXPECT_NE(at, std::string::npos);
    yaml.replace(at, yaml.find('\n', at) - at, "LOG_LEVEL: " + level);
    EXPECT_TRUE(support::WriteFile(desired / "demo.yaml", yaml));
    const auto start = steady_clock::now();
    EXPECT_TRUE(WaitUntil([&] { return Field(SpaceState(), {"variables", "LOG_LEVEL", "value"}) == level; },
                          seconds(30)))
        << "the edit to " << level << " did not reach the Space\n" << Tail(ControllerLog(), 20);
    return Seconds(start);
  }
};

TEST_F(RunWebhookFlood, AThousandConnectionsAndSlowClientsStarveNeitherTheLoopNorMemory) {
  const auto desired = WriteDeployment(DemoOptions{}, "30s");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const pid_t pid = controller_->pid();
  const double quiet_edit = EditReachesTheSpace(desired, "warn");
  const auto [rss_before, hwm_before] = RssKiB(pid);

  // The flood: held connections, half of them mid-headers of a webhook.
  std::vector<RawClient> held;
  held.reserve(kHeldConnections);
  for (int i = 0; i < kHeldConnections; ++i) {
    held.push_back(RawClient::Connect("127.0.0.1", Port()));
    ASSERT_TRUE(held.back().connected()) << "connection " << i << " refused";
    if (i % 2 == 0) held.back().Send("POST /hooks/hub HTTP/1.1\r\nHost: x\r\nContent-Type: appl");
  }
  // Slowloris: one header byte every 500 ms until the server hangs up.
  std::atomic<int> cut_off_with_408{0};
  std::atomic<int> slowloris_done{0};
  std::vector<std::thread> slow;
  const auto flood_start = steady_clock::now();
  for (int i = 0; i < kSlowlorisClients; ++i) {
    slow.emplace_back([&, port = Port()] {
      RawClient c = RawClient::Connect("127.0.0.1", port);
      c.Send("POST /hooks/hub HTTP/1.1\r\n");
      std::string got;
      const auto start = steady_clock::now();
      for (size_t n = 0; Seconds(start) < 25; ++n) {
        if (!c.Send(std::string(1, "X-Drip: a\r\n"[n % 11]))) break;
        if (c.ReadUntilClosed(milliseconds(500), &got)) break;
      }
      if (got.rfind("HTTP/1.1 408", 0) == 0) ++cut_off_with_408;
      ++slowloris_done;
    });
  }

  // While it lasts: probes, webhooks and the loop.
  double worst_probe = 0;
  for (int i = 0; i < 20; ++i) {
    const auto start = steady_clock::now();
    Result<http::Response> r = controller_->Get("/healthz");
    ASSERT_TRUE(r.ok() && r->status == 200) << (r.ok() ? r->body : r.status().ToString());
    worst_probe = std::max(worst_probe, Seconds(start));
  }
  const double flood_edit = EditReachesTheSpace(desired, "debug");
  EXPECT_EQ(PostHubWebhook(kHubWebhookSecret).status, 202) << "a signed webhook was not accepted";
  EXPECT_EQ(PostHubWebhook("not-the-secret").status, 401);
  http::Headers json;
  json.Set("Content-Type", "application/json");
  json.Set("X-Webhook-Secret", kHubWebhookSecret);
  EXPECT_EQ(Post("/hooks/hub", "{\"event\":", json).status, 400);
  const auto [rss_during, hwm_during] = RssKiB(pid);
  for (std::thread& t : slow) t.join();
  const double slowloris_seconds = Seconds(flood_start);

  held.clear();
  std::this_thread::sleep_for(seconds(2));
  const auto [rss_after, hwm_after] = RssKiB(pid);
  std::cout << "[flood] " << kHeldConnections << " held connections + " << kSlowlorisClients
            << " slowloris: VmRSS " << rss_before << " KiB before, " << rss_during << " during, "
            << rss_after << " after (VmHWM " << hwm_before << " -> " << hwm_after << "); /healthz worst "
            << worst_probe * 1000 << " ms; an edit reached the Space in " << flood_edit << " s (" << quiet_edit
            << " s without the flood); " << cut_off_with_408 << "/" << kSlowlorisClients
            << " slowloris cut off with 408 within " << slowloris_seconds << " s\n";

  EXPECT_LT(worst_probe, 1.0) << "probes slowed down under the flood";
  EXPECT_LT(flood_edit, 20.0) << "the reconcile loop was starved";
  EXPECT_EQ(cut_off_with_408, kSlowlorisClients);
  EXPECT_LT(rss_during - rss_before, 64 * 1024) << "memory grew with the connections";
  EXPECT_LT(hwm_after - hwm_before, 64 * 1024);
  EXPECT_TRUE(controller_->Running());
  EXPECT_EQ(StopController(), 0);
}

}  // namespace
}  // namespace spaceport::e2e
