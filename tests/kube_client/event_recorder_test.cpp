// Events without a flood, in process over support::FakeKubeApi: one Event per object and reason,
// counted; found again by name after a restart; an expired Event starts over.
#include "clients/kube/event_recorder.h"

#include <gtest/gtest.h>

#include "support/fake_kube_api.h"

namespace spaceport::kube {
namespace {

class EventRecorderTest : public ::testing::Test {
 protected:
  ObjectReference Ref() const { return {&kSpaceDeployments, "team", "demo", "uid-42", "7"}; }
  std::string EventPath(const std::string& reason) const {
    return kEvents.ObjectPath("team", EventName(Ref(), reason));
  }
  int64_t CountOf(const std::string& reason) const {
    auto e = api_.Object(EventPath(reason));
    return e ? e->Find("count")->AsInt().value_or(-1) : -1;
  }

  support::FakeKubeApi api_;
  FakeClock clock_;
  KubeClient client_{api_.config(), api_, clock_};
};

TEST_F(EventRecorderTest, ARepeatedReasonRaisesTheCountOfOneEventInsteadOfAddingEvents) {
  EventRecorder events(client_, clock_, "spaceport");
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(events.Record(Ref(), "Warning", "DeployFailed", "try " + std::to_string(i)).ok());
  ASSERT_TRUE(events.Record(Ref(), "Normal", "DeploySucceeded", "running").ok());
  EXPECT_EQ(api_.Paths("/api/v1/namespaces/team/events/").size(), 2u);
  EXPECT_EQ(CountOf("DeployFailed"), 5);
  EXPECT_EQ(CountOf("DeploySucceeded"), 1);
  auto e = api_.Object(EventPath("DeployFailed"));
  EXPECT_EQ(e->GetString("message"), "try 4");
  EXPECT_EQ(e->Find("involvedObject")->GetString("kind"), "SpaceDeployment");
  EXPECT_EQ(e->Find("involvedObject")->GetString("uid"), "uid-42");
  EXPECT_EQ(events.created(), 2);
  EXPECT_EQ(events.updated(), 4);
}

TEST_F(EventRecorderTest, ANewProcessContinuesTheCountOfTheEventAnEarlierOneMade) {
  {
    EventRecorder first(client_, clock_, "spaceport");
    ASSERT_TRUE(first.Record(Ref(), "Warning", "DriftFound", "hardware").ok());
    ASSERT_TRUE(first.Record(Ref(), "Warning", "DriftFound", "hardware").ok());
  }
  EventRecorder second(client_, clock_, "spaceport");
  ASSERT_TRUE(second.Record(Ref(), "Warning", "DriftFound", "hardware").ok());
  EXPECT_EQ(CountOf("DriftFound"), 3);
  EXPECT_EQ(api_.Paths("/api/v1/namespaces/team/events/").size(), 1u);
}

TEST_F(EventRecorderTest, AMessageIsCutToTheApiLimit) {
  EventRecorder events(client_, clock_, "spaceport");
  ASSERT_TRUE(events.Record(Ref(), "Warning", "InvalidSpec", std::string(5000, 'x')).ok());
  EXPECT_EQ(api_.Object(EventPath("InvalidSpec"))->GetString("message").size(), 1024u);
}

}  // namespace
}  // namespace spaceport::kube
