// Leader election end to end: several `spaceport run --kube --leader-elect` processes on one real
// apiserver — only the Lease holder reconciles (no duplicate Space writes, counted at the
// emulator), a SIGKILLed leader is replaced within the lease duration, and a SIGTERMed one
// releases the Lease so the takeover is immediate. Prints the measured takeover times.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>

#include "kube/kube_fixture.h"
#include "support/prometheus_text.h"

namespace spaceport::kube_e2e {
namespace {

using Clock = std::chrono::steady_clock;

class KubeLeader : public KubeRunTest {
 protected:
  std::unique_ptr<e2e::ControllerProcess> StartReplica(const std::string& name) {
    std::vector<std::string> args = {"run"};
    for (const std::string& f : KubeFlags({"--leader-elect", "--leader-election-namespace", ns_}))
      args.push_back(f);
    for (const std::string& a : {std::string("--config"), config_.string(), std::string("--state-dir"),
                                 (dir_.path() / ("state-" + name)).string(), std::string("--progress-poll"),
                                 std::string("300ms")})
      args.push_back(a);
    auto started = e2e::ControllerProcess::Start(args, dir_.path() / ("replica-" + name + ".log"));
    EXPECT_TRUE(started.ok()) << started.status().ToString();
    return started.ok() ? std::move(*started) : nullptr;
  }

  static std::optional<double> Leading(e2e::ControllerProcess& replica) {
    auto metrics = replica.Get("/metrics");
    if (!metrics.ok() || metrics->status != 200) return std::nullopt;
    auto parsed = support::ParsePrometheusText(metrics->body);
    if (!parsed.ok()) return std::nullopt;
    return parsed->Value("leader_election_master_status", {{"name", "spaceport-leader-election"}});
  }

  int64_t SpaceWrites() {
    int64_t n = 0;
    for (const auto& [route, count] : e2e::WriteRequests(Stats())) n += count;
    return n;
  }

  std::string LeaseHolder() const {
    support::CommandResult r = Kubectl({"get", "lease", "spaceport-leader-election", "-o",
                                        "jsonpath={.spec.holderIdentity}"});
    return r.exit_code == 0 ? r.output : "<no lease>";
  }
};

TEST_F(KubeLeader, OnlyTheLeaderReconcilesAndTakeoverIsWithinTheLeaseAfterSigkillAndImmediateAfterSigterm) {
  ASSERT_TRUE(ApplyYaml(SecretYaml()));
  ASSERT_TRUE(ApplyYaml(e2e::WithInterval(KubeDeployment(), "2s")));

  auto a = StartReplica("a");
  ASSERT_NE(a, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return Leading(*a) == 1; }, std::chrono::seconds(30))) << a->Log();
  ASSERT_TRUE(WaitObjectReady()) << Object().Dump(2) << a->Log();
  auto b = StartReplica("b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(b->WaitReady(std::chrono::seconds(20))) << b->Log();  // a standby is ready
  auto ready = b->Get("/readyz");
  ASSERT_TRUE(ready.ok());
  EXPECT_NE(ready->body.find("standby"), std::string::npos) << ready->body;
  EXPECT_EQ(Leading(*b), 0);

  // Steady state with two replicas: passes every 2 s, no Space writes, and b reconciles nothing.
  const int64_t writes = SpaceWrites();
  std::this_thread::sleep_for(std::chrono::seconds(5));
  EXPECT_EQ(SpaceWrites(), writes) << e2e::RouteBreakdown(Stats());
  EXPECT_EQ(b->Log().find("success in"), std::string::npos) << b->Log();

  // SIGKILL: the lease is not released, so b waits it out (15 s) and takes over.
  const auto killed = Clock::now();
  a->Kill();
  ASSERT_TRUE(WaitUntil([&] { return Leading(*b) == 1; }, std::chrono::seconds(40))) << b->Log();
  const double after_kill = std::chrono::duration<double>(Clock::now() - killed).count();
  std::cout << "[leader] takeover after SIGKILL: " << after_kill << " s\n";
  EXPECT_LE(after_kill, 15.0 + 2.0 + 5.0);  // lease + retry period + slack for a loaded machine
  EXPECT_GE(after_kill, 10.0);              // it did wait for the lease (from b's first look at it)
  EXPECT_NE(LeaseHolder().find("_"), std::string::npos);

  // The new leader continues: the Space is already right, so its passes write nothing.
  ASSERT_TRUE(WaitUntil([&] { return b->Log().find("success in") != std::string::npos; }, std::chrono::seconds(20)))
      << b->Log();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  EXPECT_EQ(SpaceWrites(), writes) << e2e::RouteBreakdown(Stats());

  // SIGTERM: b releases the lease and c takes it at its next try (retry period 2 s).
  auto c = StartReplica("c");
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->WaitReady(std::chrono::seconds(20))) << c->Log();
  const auto terminated = Clock::now();
  EXPECT_EQ(b->Terminate(), 0);
  ASSERT_TRUE(WaitUntil([&] { return Leading(*c) == 1; }, std::chrono::seconds(20))) << c->Log();
  const double after_term = std::chrono::duration<double>(Clock::now() - terminated).count();
  std::cout << "[leader] takeover after SIGTERM: " << after_term << " s\n";
  EXPECT_LE(after_term, 2.0 + 3.0);  // one retry period, not the lease duration
  EXPECT_EQ(c->Terminate(), 0);
}

}  // namespace
}  // namespace spaceport::kube_e2e
