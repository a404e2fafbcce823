// The console's JSON as pure functions (runtime/console_view.h) and the journal that feeds it
// (runtime/console_journal.h): states, drift states, desired-vs-observed rows, secrets by name
// only, reconcile history with what each pass did, timeline events.
#include "runtime/console_view.h"

#include <gtest/gtest.h>

#include "runtime/console_journal.h"

namespace spaceport::runtime {
namespace {

using std::chrono::seconds;

const Clock::TimePoint kNow = *ParseRfc3339("2026-01-01T12:00:00Z");

spec::SpaceDeployment Deployment() {
  spec::SpaceDeployment d;
  d.name = "app";
  d.namespace_ = "default";
  d.image.repository = "ghcr.io/acme/app";
  d.image.version = "v1.0.0";
  d.wrapper.platforms = {"amd64"};
  spec::SpaceSpec s;
  s.id = "acme/app";
  s.hardware = "cpu-basic";
  s.variables = std::map<std::string, std::string>{{"LOG_LEVEL", "info"}};
  spec::SecretSource secret;
  secret.from_env = "API_KEY_ENV";
  s.secrets = std::map<std::string, spec::SecretSource>{{"API_KEY", secret}};
  d.spaces.push_back(s);
  return d;
}

DeploymentStatus StatusOf(const std::string& ready, const std::string& reason, bool stalled = false) {
  DeploymentStatus s;
  s.key = "default/app";
  SetCondition(s, {"Ready", ready, reason, "message of " + reason, ""}, kNow);
  if (stalled) SetCondition(s, {"Stalled", "True", reason, "stalled", ""}, kNow);
  s.wrappers = {{"amd64", "ghcr.io/acme/app:hf-amd64-v1.0.0", "sha256:bb"}};
  s.spaces = {{"acme/app", "RUNNING", "sha256:bb", "c0ffee", "https://huggingface.co/spaces/acme/app"}};
  s.last_reconcile_time = "2026-01-01T11:59:00Z";
  RecordReconcile(s, {"2026-01-01T11:59:00Z", "success", "InSync", reason, "m", "r", 0.1, 0, 0, 0});
  return s;
}

plan::DriftItem Item(const std::string& field, const std::string& desired, const std::string& observed) {
  return {"default/app", "space:acme/app", field, desired, observed};
}

const Json* FieldRowOf(const Json& spaces, const std::string& field) {
  const Json& rows = *spaces.At(0).Find("fields");
  for (size_t i = 0; i < rows.size(); ++i)
    if (rows.At(i).GetString("field") == field) return &rows.At(i);
  return nullptr;
}

TEST(ConsoleState, NamesEachDeploymentByItsConditions) {
  spec::SpaceDeployment d = Deployment();
  EXPECT_EQ(ConsoleState(d, nullptr), "Progressing") << "not reconciled yet";
  DeploymentStatus ready = StatusOf("True", "Succeeded");
  EXPECT_EQ(ConsoleState(d, &ready), "Ready");
  DeploymentStatus stalled = StatusOf("False", "SpaceFailed", true);
  EXPECT_EQ(ConsoleState(d, &stalled), "Failed");
  DeploymentStatus drifted = StatusOf("False", "Drifted");
  EXPECT_EQ(ConsoleState(d, &drifted), "Drifted");
  DeploymentStatus building = StatusOf("False", "SpaceBuilding");
  EXPECT_EQ(ConsoleState(d, &building), "Progressing");
  d.suspend = true;
  EXPECT_EQ(ConsoleState(d, &ready), "Suspended");
}

TEST(DriftState, ReportedUntilAPassCorrectsItThenCorrectedForAnHour) {
  DeploymentStatus s = StatusOf("False", "Drifted");
  s.drift = {Item("variables.LOG_LEVEL", "info", "debug")};
  EXPECT_EQ(DriftState(&s, nullptr, kNow), "reported");
  JournalEntry journal;
  EXPECT_EQ(DriftState(&s, &journal, kNow), "reported");
  journal.last_pass_corrected = true;
  journal.corrected_at = "2026-01-01T11:59:00Z";
  EXPECT_EQ(DriftState(&s, &journal, kNow), "corrected") << "the pass that found it corrected it";
  s.drift.clear();
  journal.last_pass_corrected = false;
  EXPECT_EQ(DriftState(&s, &journal, kNow), "corrected") << "no drift left, corrected a minute ago";
  EXPECT_EQ(DriftState(&s, &journal, kNow + std::chrono::hours(2)), "none") << "long ago";
  EXPECT_EQ(DriftState(nullptr, &journal, kNow), "none");
}

TEST(DriftState, AfterARestartTheHistorySaysWhetherTheLastPassCorrected) {
  DeploymentStatus s = StatusOf("True", "Succeeded");
  s.drift = {Item("hardware", "cpu-basic", "cpu-upgrade")};
  s.history.front().message = "corrected drift in hardware; 1 change(s) applied";
  EXPECT_EQ(DriftState(&s, nullptr, kNow), "corrected");
}

TEST(FleetRow, CarriesVersionsWrappersSpacesAndScheduling) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus s = StatusOf("True", "Succeeded");
  s.resolved_version = "v1.0.0";
  JournalEntry journal;
  journal.next_reconcile = kNow + seconds(300);
  Json row = FleetRow(d, &s, &journal, kNow);
  EXPECT_EQ(row.GetString("key"), "default/app");
  EXPECT_EQ(row.GetString("state"), "Ready");
  EXPECT_EQ(row.Find("ready")->GetString("reason"), "Succeeded");
  EXPECT_EQ(row.GetString("desiredVersion"), "v1.0.0");
  EXPECT_EQ(row.Find("wrappers")->At(0).GetString("digest"), "sha256:bb");
  EXPECT_EQ(row.Find("spaces")->At(0).GetString("stage"), "RUNNING");
  EXPECT_EQ(row.GetString("nextReconcile"), "2026-01-01T12:05:00Z");
  EXPECT_EQ(row.GetString("drift"), "none");
  EXPECT_FALSE(row.Find("budgetLimited")->AsBool());

  d.image.version.reset();
  d.image.semver = ">=1.0.0 <2.0.0";
  DeploymentStatus limited = StatusOf("False", "RateLimited");
  Json pending = FleetRow(d, &limited, nullptr, kNow);
  EXPECT_EQ(pending.GetString("desiredVersion"), "semver >=1.0.0 <2.0.0");
  EXPECT_TRUE(pending.Find("budgetLimited")->AsBool());
  EXPECT_EQ(pending.GetString("nextReconcile"), "") << "unknown before this process reconciled it";

  Json fresh = FleetRow(d, nullptr, nullptr, kNow);
  EXPECT_EQ(fresh.Find("ready")->GetString("reason"), "Pending");
  EXPECT_EQ(fresh.Find("wrappers")->At(0).GetString("platform"), "amd64") << "from the spec before any status";
}

TEST(FleetCounts, CountsStatesAndReportedDrift) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus ready = StatusOf("True", "Succeeded"), failed = StatusOf("False", "SpaceFailed", true),
                   drifted = StatusOf("False", "Drifted");
  drifted.drift = {Item("variables.LOG_LEVEL", "info", "debug")};
  failed.drift = {Item("runtime.stage", "RUNNING", "RUNTIME_ERROR")};
  Json counts = FleetCounts({FleetRow(d, &ready, nullptr, kNow), FleetRow(d, &failed, nullptr, kNow),
                             FleetRow(d, &drifted, nullptr, kNow), FleetRow(d, nullptr, nullptr, kNow)});
  EXPECT_EQ(counts.Find("total")->AsInt(), 4);
  EXPECT_EQ(counts.Find("ready")->AsInt(), 1);
  EXPECT_EQ(counts.Find("failed")->AsInt(), 1);
  EXPECT_EQ(counts.Find("progressing")->AsInt(), 1);
  EXPECT_EQ(counts.Find("drifted")->AsInt(), 2) << "a crashed Space is drift the controller reports too";
}

TEST(SpaceComparisons, ManagedFieldsAreSameUnlessADriftItemSaysOtherwise) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus s = StatusOf("False", "Drifted");
  s.drift = {Item("variables.LOG_LEVEL", "info", "<img src=x onerror=alert(1)>"),
             Item("variables.EXTRA", plan::kAbsent, "1")};
  Json spaces = SpaceComparisons(d, &s, nullptr, kNow);
  ASSERT_EQ(spaces.size(), 1u);
  EXPECT_EQ(FieldRowOf(spaces, "image digest")->GetString("state"), "same");
  EXPECT_EQ(FieldRowOf(spaces, "stage")->GetString("state"), "same");
  EXPECT_EQ(FieldRowOf(spaces, "hardware")->GetString("observed"), "cpu-basic");
  EXPECT_EQ(FieldRowOf(spaces, "sleepTimeSeconds")->GetString("state"), "unmanaged");
  const Json* level = FieldRowOf(spaces, "variables.LOG_LEVEL");
  EXPECT_EQ(level->GetString("state"), "differs");
  EXPECT_EQ(level->GetString("observed"), "<img src=x onerror=alert(1)>") << "values are data; the page inserts text";
  EXPECT_EQ(FieldRowOf(spaces, "variables.EXTRA")->GetString("desired"), plan::kAbsent);
}

TEST(SpaceComparisons, RowsOfACorrectingPassSayCorrected) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus s = StatusOf("True", "Succeeded");
  s.drift = {Item("hardware", "cpu-basic", "cpu-upgrade")};
  JournalEntry journal;
  journal.last_pass_corrected = true;
  journal.corrected_at = "2026-01-01T11:59:00Z";
  Json spaces = SpaceComparisons(d, &s, &journal, kNow);
  EXPECT_EQ(FieldRowOf(spaces, "hardware")->GetString("state"), "corrected");
  EXPECT_EQ(FieldRowOf(spaces, "hardware")->GetString("observed"), "cpu-upgrade");
}

TEST(SpaceComparisons, SecretsAreNamesWithAStateNeverValuesOrFingerprints) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus s = StatusOf("False", "Progressing");
  s.drift = {Item("secrets.API_KEY", "hmac 0123456789ab", "hmac fedcba987654"),
             Item("secrets.OLD", plan::kAbsent, "<present>")};
  Json spaces = SpaceComparisons(d, &s, nullptr, kNow);
  const Json& secrets = *spaces.At(0).Find("secrets");
  ASSERT_EQ(secrets.size(), 2u);
  EXPECT_EQ(secrets.At(0).GetString("name"), "API_KEY");
  EXPECT_EQ(secrets.At(0).GetString("state"), "changed");
  EXPECT_EQ(secrets.At(1).GetString("state"), "extra");
  const std::string text = spaces.Dump();
  EXPECT_EQ(text.find("0123456789ab"), std::string::npos) << text;
  EXPECT_EQ(text.find("fedcba"), std::string::npos) << text;
  const std::string item = ConsoleDriftItem(s.drift.front()).Dump();
  EXPECT_EQ(item.find("hmac"), std::string::npos) << item;
  EXPECT_NE(item.find("changed"), std::string::npos) << item;
}

TEST(SpaceComparisons, AnErrorStageShowsItsMessageAndTheLogTailOfThatStage) {
  spec::SpaceDeployment d = Deployment();
  DeploymentStatus s = StatusOf("False", "SpaceFailed", true);
  s.spaces.front().stage = "RUNTIME_ERROR";
  s.drift = {Item("runtime.stage", "RUNNING", "RUNTIME_ERROR: exit 1")};
  JournalEntry journal;
  journal.log_tails["acme/app"] = {"acme/app", "RUNTIME_ERROR", "c0ffee", "run", "2026-01-01T11:59:00Z",
                                   {"line 1", "Traceback"}, ""};
  Json spaces = SpaceComparisons(d, &s, &journal, kNow);
  EXPECT_EQ(FieldRowOf(spaces, "stage")->GetString("observed"), "RUNTIME_ERROR: exit 1");
  const Json* tail = spaces.At(0).Find("logTail");
  ASSERT_TRUE(tail && tail->is_object());
  EXPECT_EQ(tail->Find("lines")->At(1).AsString(), "Traceback");
  s.spaces.front().stage = "BUILD_ERROR";
  EXPECT_TRUE(SpaceComparisons(d, &s, &journal, kNow).At(0).Find("logTail")->is_null())
      << "a tail of another stage is not shown";
}

act::ActionOutcome Outcome(plan::ActionKind kind, const std::string& target, bool wrote, Status status = Status::Ok()) {
  act::ActionOutcome o;
  o.kind = kind;
  o.target = target;
  o.wrote = wrote;
  o.status = std::move(status);
  o.result = "ok";
  return o;
}

TEST(ConsoleJournal, RecordsWhatEachPassDidAndItsTimelineEvents) {
  FakeClock clock;
  clock.Advance(std::chrono::duration_cast<Clock::Duration>(kNow - clock.Now()));
  ConsoleJournal journal(clock, {});
  spec::SpaceDeployment d = Deployment();
  ReconcileOutcome out;
  out.status = StatusOf("True", "Succeeded");
  out.status.drift = {Item("hardware", "cpu-basic", "cpu-upgrade")};
  out.actions = {Outcome(plan::ActionKind::kSetHardware, "acme/app", true),
                 Outcome(plan::ActionKind::kAwaitRunning, "acme/app", false)};
  report::Notification found, corrected;
  found.event = report::NotificationEvent::kDriftFound;
  found.message = "1 field(s) differ";
  corrected.event = report::NotificationEvent::kDriftCorrected;
  corrected.message = "1 change(s) made";
  out.notifications = {found, corrected};
  journal.Record(d, out, kNow + seconds(300));

  std::optional<JournalEntry> e = journal.Entry("default/app");
  ASSERT_TRUE(e);
  ASSERT_EQ(e->reconciles.size(), 1u);
  EXPECT_EQ(e->reconciles.front().did, (std::vector<std::string>{"corrected", "set hardware"}));
  EXPECT_EQ(e->reconciles.front().actions.at(1).outcome, "done");
  EXPECT_TRUE(e->last_pass_corrected);
  EXPECT_EQ(e->corrected.size(), 1u);
  std::vector<std::string> kinds;
  for (const TimelineEvent& ev : journal.Events(kNow - std::chrono::hours(1))) kinds.push_back(ev.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"reconcile", "drift", "corrected"}));
  EXPECT_TRUE(journal.Events(kNow - std::chrono::hours(1), "other/app").empty());
}

TEST(ConsoleJournal, KeepsTenReconcilesAndDropsLogTailsOfRecoveredSpaces) {
  FakeClock clock;
  clock.Advance(std::chrono::duration_cast<Clock::Duration>(kNow - clock.Now()));
  ConsoleJournal journal(clock, {});
  spec::SpaceDeployment d = Deployment();
  ReconcileOutcome out;
  out.status = StatusOf("False", "SpaceFailed", true);
  out.status.spaces.front().stage = "BUILD_ERROR";
  act::ActionOutcome failed = Outcome(plan::ActionKind::kAwaitRunning, "acme/app", false, FailedPrecondition("BUILD_ERROR"));
  failed.stage = "BUILD_ERROR";
  failed.log_tail = {"--> ERROR: failed to solve"};
  out.actions = {failed};
  for (int i = 0; i < 12; ++i) journal.Record(d, out, kNow);
  std::optional<JournalEntry> e = journal.Entry("default/app");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->reconciles.size(), 10u);
  ASSERT_EQ(e->log_tails.count("acme/app"), 1u);
  EXPECT_EQ(e->log_tails.at("acme/app").kind, "build");
  EXPECT_EQ(e->reconciles.front().actions.front().outcome, "failed");

  out.status.spaces.front().stage = "RUNNING";
  out.actions.clear();
  journal.Record(d, out, kNow);
  EXPECT_EQ(journal.Entry("default/app")->log_tails.count("acme/app"), 0u);
}

TEST(ConsoleJournal, BudgetKeepsTheMostUsedPerWindow) {
  FakeClock clock;
  clock.Advance(std::chrono::duration_cast<Clock::Duration>(kNow - clock.Now()));
  ConsoleJournal journal(clock, {});
  const Clock::TimePoint w1 = kNow - seconds(600), w2 = kNow - seconds(300);
  journal.SampleBudget(w1, 10, 1000);
  journal.SampleBudget(w1, 40, 1000);
  journal.SampleBudget(w1, 5, 1000);  // a lower count later in the same window
  journal.SampleBudget(w2, 7, 1000);
  std::vector<BudgetWindow> windows = journal.Budget(kNow - std::chrono::hours(1));
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[0].used, 40);
  EXPECT_EQ(windows[1].used, 7);
  Json timeline = TimelineJson({}, windows, kNow - std::chrono::hours(6), kNow, seconds(300));
  EXPECT_EQ(timeline.Find("budget")->At(0).Find("used")->AsInt(), 40);
  EXPECT_EQ(timeline.Find("windowSeconds")->AsInt(), 300);
}

TEST(ReconcilesJson, FallsBackToTheStatusHistoryWithoutActions) {
  DeploymentStatus s = StatusOf("True", "Succeeded");
  s.history.front().message = "corrected drift in hardware; 1 change(s) applied";
  Json list = ReconcilesJson(&s, nullptr);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list.At(0).Find("did")->At(0).AsString(), "corrected");
  EXPECT_EQ(list.At(0).Find("actions")->size(), 0u);
}

}  // namespace
}  // namespace spaceport::runtime
