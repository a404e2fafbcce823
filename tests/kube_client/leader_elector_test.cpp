// Leader election rules in process, over support::FakeKubeApi and a FakeClock: who may take the
// Lease when, renewal, release, and that only the candidate's own clock decides expiry.
#include "clients/kube/leader_elector.h"

#include <gtest/gtest.h>

#include "support/fake_kube_api.h"

namespace spaceport::kube {
namespace {

const std::string kLeasePath = "/apis/coordination.k8s.io/v1/namespaces/sys/leases/lock";

class LeaderElectorTest : public ::testing::Test {
 protected:
  LeaderElector Candidate(const std::string& identity) {
    LeaderElectionOptions o;
    o.namespace_ = "sys";
    o.name = "lock";
    o.identity = identity;
    return LeaderElector(client_, clock_, o);
  }
  std::string Holder() const {
    auto lease = api_.Object(kLeasePath);
    return lease ? lease->Find("spec")->GetString("holderIdentity") : "<none>";
  }
  int64_t Transitions() const {
    auto lease = api_.Object(kLeasePath);
    return lease ? lease->Find("spec")->Find("leaseTransitions")->AsInt().value_or(-1) : -1;
  }

  support::FakeKubeApi api_;
  FakeClock clock_;
  KubeClient client_{api_.config(), api_, clock_};
};

TEST_F(LeaderElectorTest, TheFirstCandidateCreatesTheLeaseAndLeads) {
  LeaderElector a = Candidate("a");
  EXPECT_TRUE(a.TryAcquireOrRenew());
  EXPECT_TRUE(a.is_leader());
  EXPECT_EQ(Holder(), "a");
  auto lease = api_.Object(kLeasePath);
  ASSERT_TRUE(lease);
  EXPECT_EQ(lease->Find("spec")->Find("leaseDurationSeconds")->AsInt(), 15);
  EXPECT_EQ(lease->Find("spec")->GetString("renewTime").size(), std::string("2026-01-01T00:00:00.000000Z").size());
}

TEST_F(LeaderElectorTest, AnotherCandidateWaitsTheLeaseDurationOnItsOwnClockBeforeTakingOver) {
  LeaderElector a = Candidate("a");
  LeaderElector b = Candidate("b");
  ASSERT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());  // b sees the record now: its clock starts
  EXPECT_EQ(b.observed_holder(), "a");
  clock_.Advance(std::chrono::seconds(14));
  EXPECT_FALSE(b.TryAcquireOrRenew());
  clock_.Advance(std::chrono::seconds(2));  // 16 s without a change to the record
  EXPECT_TRUE(b.TryAcquireOrRenew());
  EXPECT_EQ(Holder(), "b");
  EXPECT_EQ(Transitions(), 2);  // created by a (1), taken by b (2)
}

TEST_F(LeaderElectorTest, ARenewingLeaderIsNeverTakenOver) {
  LeaderElector a = Candidate("a");
  LeaderElector b = Candidate("b");
  ASSERT_TRUE(a.TryAcquireOrRenew());
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(std::chrono::seconds(2));
    ASSERT_TRUE(a.TryAcquireOrRenew());
    ASSERT_FALSE(b.TryAcquireOrRenew());
  }
  EXPECT_EQ(Holder(), "a");
}

TEST_F(LeaderElectorTest, AReleasedLeaseIsTakenAtOnce) {
  LeaderElector a = Candidate("a");
  LeaderElector b = Candidate("b");
  ASSERT_TRUE(a.TryAcquireOrRenew());
  EXPECT_FALSE(b.TryAcquireOrRenew());
  ASSERT_TRUE(a.Release().ok());
  EXPECT_FALSE(a.is_leader());
  EXPECT_EQ(Holder(), "");
  EXPECT_TRUE(b.TryAcquireOrRenew());  // no waiting out the 15 s
  EXPECT_EQ(Holder(), "b");
}

TEST_F(LeaderElectorTest, AConflictingWriteLosesTheAttemptInsteadOfOverwriting) {
  LeaderElector a = Candidate("a");
  ASSERT_TRUE(a.TryAcquireOrRenew());
  api_.Fail("PUT", kLeasePath, 409, "the object has been modified", 1);
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_FALSE(a.TryAcquireOrRenew());
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_TRUE(a.TryAcquireOrRenew());
}

TEST_F(LeaderElectorTest, RunCallsBackWhenLeadingAndLosesLeadershipAfterTheRenewDeadline) {
  LeaderElector a = Candidate("a");
  std::atomic<bool> stop{false};
  int started = 0;
  int stopped = 0;
  // Renewals fail from the start (e.g. the apiserver is unreachable): after the renew deadline
  // (10 s) on the fake clock, leadership is lost and Run returns false.
  api_.Fail("PUT", kLeasePath, 503, "unavailable");
  const bool clean = a.Run(stop, [&] {
    ++started;
  }, [&] { ++stopped; });
  EXPECT_FALSE(clean);
  EXPECT_EQ(started, 1);
  EXPECT_EQ(stopped, 1);
  EXPECT_FALSE(a.is_leader());
  EXPECT_GE(clock_.slept(), std::chrono::seconds(10));
  EXPECT_LE(clock_.slept(), std::chrono::seconds(16));  // + the client's retry backoff of the last try
}

}  // namespace
}  // namespace spaceport::kube
