// Webhooks into a running controller whose deployment interval is 10 minutes, so only a webhook
// can trigger a pass: a Hub repo.config webhook after an out-of-band hardware change gets the
// change corrected within seconds (with DriftFound then DriftCorrected posted), a GitHub package
// event for the deployment's image gets it reconciled, a signed generic webhook naming the
// deployment gets it reconciled, and a wrong secret or signature is 401 with nothing enqueued.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/digest.h"
#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

class RunWebhooks : public RunTest {};

// One field of every history entry in the status file, newest first.
std::vector<std::string> HistoryField(const Json& status, const std::string& field) {
  std::vector<std::string> out;
  const Json* history = status.Find("history");
  if (history == nullptr || !history->is_array()) return out;
  for (size_t i = 0; i < history->size(); ++i) out.push_back(history->At(i).GetString(field));
  return out;
}

TEST_F(RunWebhooks, HubConfigWebhookGetsAnOutOfBandHardwareChangeCorrected) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const int history_before = static_cast<int>(HistoryField(StatusFile(), "result").size());
  // The first deploy's notification is posted asynchronously: let it arrive before counting.
  ASSERT_TRUE(
      WaitUntil([&] { return CountEvents("DeploySucceeded") == 1; }, std::chrono::seconds(10)))
      << EventList();
  const size_t notifications_before = receiver_.Bodies().size();

  Edit("POST", "/hardware", R"({"flavor":"cpu-upgrade"})");
  ASSERT_EQ(Field(SpaceState(), {"runtime", "hardware", "requested"}), "cpu-upgrade")
      << SpaceState().Dump();

  // A wrong secret: refused, and the queue does not see it.
  const double adds_before = QueueAdds();
  const http::Response refused = PostHubWebhook("not-the-secret");
  EXPECT_EQ(refused.status, 401) << refused.body;
  EXPECT_EQ(QueueAdds(), adds_before);

  const http::Response accepted = PostHubWebhook(kHubWebhookSecret);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  Result<Json> answer = Json::Parse(accepted.body);
  ASSERT_TRUE(answer.ok()) << accepted.body;
  EXPECT_EQ(Field(*answer, {"triggered", "deployments"}), "1") << accepted.body;

  EXPECT_TRUE(WaitUntil(
      [&] {
        const Json space = SpaceState();
        const std::string requested = Field(space, {"runtime", "hardware", "requested"});
        return (requested == "cpu-basic" || requested == "null") &&
               Field(space, {"runtime", "hardware", "current"}) == "cpu-basic";
      },
      std::chrono::seconds(20)))
      << "hardware not corrected within 20 s\n"
      << SpaceState().Dump();
  ASSERT_TRUE(WaitConverged()) << StatusFile().Dump();

  // DriftFound then DriftCorrected, both naming the hardware.
  ASSERT_TRUE(
      WaitUntil([&] { return CountEvents("DriftCorrected") >= 1; }, std::chrono::seconds(10)))
      << EventList();
  std::vector<Json> after;
  const std::vector<Json> all = Notifications();
  for (size_t i = notifications_before; i < all.size(); ++i) after.push_back(all[i]);
  ASSERT_GE(after.size(), 2u) << EventList();
  EXPECT_EQ(after[0].GetString("event"), "DriftFound") << EventList();
  EXPECT_EQ(after[1].GetString("event"), "DriftCorrected") << EventList();
  for (const Json* n : {&after[0], &after[1]}) {
    EXPECT_NE(
        n->Dump().find(R"("field":"hardware","desired":"cpu-basic","observed":"cpu-upgrade")"),
        std::string::npos)
        << n->Dump();
  }

  // The status history: the webhook's pass says it corrected the hardware; the newest is in sync.
  const Json status = StatusFile();
  const Json* history = status.Find("history");
  ASSERT_TRUE(history && history->size() >= 2) << status.Dump();
  EXPECT_GT(static_cast<int>(history->size()), std::min(4, history_before)) << status.Dump();
  EXPECT_EQ(history->At(0).GetString("state"), "InSync") << status.Dump();
  int corrections = 0;
  for (size_t i = 0; i < history->size(); ++i) {
    const Json& entry = history->At(i);
    if (entry.GetString("message").rfind("corrected drift in hardware; ", 0) != 0) continue;
    ++corrections;
    EXPECT_NE(Field(entry, {"writes"}), "0") << entry.Dump();
  }
  EXPECT_EQ(corrections, 1) << status.Dump();
  EXPECT_EQ(ReadyStatus(), "True");

  ExpectNoSecretsAnywhere();
}

// A `package` webhook as GitHub sends it when ghcr.io/acme/app gets a new version.
std::string PackagePublished() {
  return R"({"action":"published","package":{"id":1,"name":"app","namespace":"acme",)"
         R"("package_type":"CONTAINER","owner":{"login":"acme"},)"
         R"("package_version":{"id":2,)"
         R"("container_metadata":{"tag":{"name":"v1.0.0","digest":""}}}},)"
         R"("repository":{"full_name":"acme/app"},"sender":{"login":"acme-bot"}})";
}

http::Headers GithubHeaders(const std::string& event, const std::string& signature) {
  http::Headers headers;
  headers.Set("Content-Type", "application/json");
  headers.Set("X-GitHub-Event", event);
  headers.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  headers.Set("X-Hub-Signature-256", signature);
  return headers;
}

TEST_F(RunWebhooks, GithubPackageEventIsVerifiedAndReconcilesTheDeploymentUsingTheImage) {
  const auto desired = WriteDeployment({}, "10m");
  // Converged and idle: with a 10-minute interval nothing is queued until a webhook comes.
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const double adds_before = QueueAdds();
  const double reconciles_before = ReconcileCount();
  ASSERT_GE(adds_before, 1);

  const std::string body = PackagePublished();
  const std::string bad = "sha256=" + HmacSha256Hex("not-the-secret", body);
  const http::Response refused = Post("/hooks/github", body, GithubHeaders("package", bad));
  EXPECT_EQ(refused.status, 401) << refused.body;
  const http::Response unsigned_post =
      Post("/hooks/github", body, GithubHeaders("package", "sha256="));
  EXPECT_EQ(unsigned_post.status, 401) << unsigned_post.body;
  EXPECT_EQ(QueueAdds(), adds_before) << "a refused webhook enqueued something";
  EXPECT_EQ(ReconcileCount(), reconciles_before);

  const std::string good = "sha256=" + HmacSha256Hex(kGithubWebhookSecret, body);
  const http::Response accepted = Post("/hooks/github", body, GithubHeaders("package", good));
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  Result<Json> answer = Json::Parse(accepted.body);
  ASSERT_TRUE(answer.ok()) << accepted.body;
  EXPECT_EQ(answer->GetString("event"), "package");
  EXPECT_EQ(Field(*answer, {"triggered", "deployments"}), "1") << accepted.body;

  EXPECT_GT(QueueAdds(), adds_before);
  EXPECT_TRUE(
      WaitUntil([&] { return ReconcileCount() > reconciles_before; }, std::chrono::seconds(20)))
      << "no reconcile after the package webhook";
  const Json status = StatusFile();
  ASSERT_FALSE(HistoryField(status, "result").empty()) << status.Dump();
  EXPECT_EQ(HistoryField(status, "result").front(), "success") << status.Dump();
  EXPECT_EQ(HistoryField(status, "state").front(), "InSync") << status.Dump();

  const support::PrometheusText metrics = Metrics();
  EXPECT_EQ(
      metrics.Value("spaceport_webhook_requests_total", {{"receiver", "github"}, {"code", "401"}}),
      2);
  EXPECT_EQ(
      metrics.Value("spaceport_webhook_requests_total", {{"receiver", "github"}, {"code", "202"}}),
      1);
  ExpectNoSecretsAnywhere();
}

TEST_F(RunWebhooks, AGenericWebhookIsVerifiedAndReconcilesTheDeploymentsItNames) {
  const auto desired = WriteDeployment({}, "10m");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const double adds_before = QueueAdds();
  const double reconciles_before = ReconcileCount();

  const std::string body = R"({"deployments":["e2e/demo","e2e/unknown"]})";
  http::Headers headers;
  headers.Set("Content-Type", "application/json");
  headers.Set("X-Signature", "sha256=" + HmacSha256Hex("not-the-secret", body));
  EXPECT_EQ(Post("/hooks/generic", body, headers).status, 401);
  headers.Set("X-Signature", "sha256=" + HmacSha256Hex(kGenericWebhookSecret, "{}"));
  EXPECT_EQ(Post("/hooks/generic", "{}", headers).status, 400) << "a body naming nothing";
  EXPECT_EQ(QueueAdds(), adds_before) << "a refused webhook enqueued something";

  headers.Set("X-Signature", "sha256=" + HmacSha256Hex(kGenericWebhookSecret, body));
  const http::Response accepted = Post("/hooks/generic", body, headers);
  ASSERT_EQ(accepted.status, 202) << accepted.body;
  Result<Json> answer = Json::Parse(accepted.body);
  ASSERT_TRUE(answer.ok()) << accepted.body;
  EXPECT_EQ(answer->GetString("event"), "generic");
  EXPECT_EQ(Field(*answer, {"triggered", "deployments"}), "1") << "the unknown one counts for nothing";
  EXPECT_TRUE(WaitUntil([&] { return ReconcileCount() > reconciles_before; }, std::chrono::seconds(20)))
      << "no reconcile after the generic webhook";
  const support::PrometheusText metrics = Metrics();
  EXPECT_EQ(metrics.Value("spaceport_webhook_requests_total", {{"receiver", "generic"}, {"code", "401"}}), 1);
  EXPECT_EQ(metrics.Value("spaceport_webhook_requests_total", {{"receiver", "generic"}, {"code", "400"}}), 1);
  EXPECT_EQ(metrics.Value("spaceport_webhook_requests_total", {{"receiver", "generic"}, {"code", "202"}}), 1);
  ExpectNoSecretsAnywhere();
}

}  // namespace
}  // namespace spaceport::e2e
