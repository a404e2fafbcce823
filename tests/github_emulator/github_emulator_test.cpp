// The GitHub emulator in process (Handle), on a FakeClock: endpoint shapes and error codes, the
// run lifecycle, real command execution, rate limits and paging.
#include "emulators/github/github_emulator.h"

#include <gtest/gtest.h>

#include "emulators/github/run_name.h"

namespace spaceport::github_emulator {
namespace {

using Request = http::Server::IncomingRequest;

class GithubFixture : public ::testing::Test {
 protected:
  void Make(std::vector<std::string> command, int rate_limit = 5000) {
    Options options;
    options.tokens.push_back({"ghp_alice", "alice", true});
    options.tokens.push_back({"ghp_rita", "rita", false});
    WorkflowConfig w;
    w.repository = "acme/app";
    w.file = "docker.yml";
    w.inputs = {{"version", true, ""}, {"build_id", false, "none"}};
    w.run_name = "build ${{ inputs.build_id }}";
    w.command = std::move(command);
    options.workflows.push_back(w);
    options.queued_time = std::chrono::seconds(5);
    options.min_run_time = std::chrono::seconds(10);
    options.rate_limit = rate_limit;
    github = std::make_unique<GithubEmulator>(options, clock);
  }
  http::Response Call(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::string& token = "ghp_alice", const std::string& query = "") {
    Request r;
    r.method = method;
    r.path = path;
    r.query = query;
    r.body = body;
    if (!token.empty()) r.headers.Add("Authorization", "token " + token);
    return github->Handle(r);
  }
  http::Response Dispatch(const std::string& body, const std::string& token = "ghp_alice") {
    return Call("POST", "/repos/acme/app/actions/workflows/docker.yml/dispatches", body, token);
  }
  Json Run(int64_t id) {
    return *Json::Parse(Call("GET", "/repos/acme/app/actions/runs/" + std::to_string(id)).body);
  }
  FakeClock clock;
  std::unique_ptr<GithubEmulator> github;
};

TEST(RunName, inputs_are_rendered_and_other_expressions_kept) {
  EXPECT_EQ(RenderRunName("build ${{ inputs.build_id }}", {{"build_id", "b-7"}}), "build b-7");
  EXPECT_EQ(RenderRunName("${{github.event.inputs.v}}/${{ github.actor }}", {{"v", "1"}}), "1/${{ github.actor }}");
  EXPECT_EQ(RenderRunName("x ${{ inputs.absent }}", {}), "x ");
}

TEST_F(GithubFixture, dispatch_answers_204_or_the_run_details_when_asked) {
  Make({});
  EXPECT_EQ(Dispatch(R"({"ref":"main","inputs":{"version":"1"}})").status, 204);
  http::Response r = Dispatch(R"({"ref":"refs/heads/main","inputs":{"version":"1"},"return_run_details":true})");
  ASSERT_EQ(r.status, 200);
  Json body = *Json::Parse(r.body);
  const int64_t id = *body.Find("workflow_run_id")->AsInt();
  EXPECT_EQ(body.GetString("run_url"), "http://127.0.0.1/repos/acme/app/actions/runs/" + std::to_string(id));
  EXPECT_EQ(body.GetString("html_url"), "http://127.0.0.1/acme/app/actions/runs/" + std::to_string(id));
  EXPECT_EQ(r.headers.Get("x-ratelimit-resource"), "core");
}

TEST_F(GithubFixture, dispatch_errors_have_githubs_status_codes) {
  Make({});
  struct Case {
    std::string name, path, body, token;
    int status;
  } cases[] = {
      {"unknown workflow is 404", "/repos/acme/app/actions/workflows/nope.yml/dispatches",
       R"({"ref":"main","inputs":{"version":"1"}})", "ghp_alice", 404},
      {"unknown repository is 404", "/repos/acme/other/actions/workflows/docker.yml/dispatches",
       R"({"ref":"main"})", "ghp_alice", 404},
      {"unknown branch is 422", "", R"({"ref":"dev","inputs":{"version":"1"}})", "ghp_alice", 422},
      {"missing ref is 422", "", R"({"inputs":{"version":"1"}})", "ghp_alice", 422},
      {"undeclared input is 422", "", R"({"ref":"main","inputs":{"version":"1","x":"y"}})", "ghp_alice", 422},
      {"missing required input is 422", "", R"({"ref":"main","inputs":{"build_id":"b"}})", "ghp_alice", 422},
      {"no token is 401", "", R"({"ref":"main","inputs":{"version":"1"}})", "", 401},
      {"unknown token is 401", "", R"({"ref":"main","inputs":{"version":"1"}})", "ghp_bad", 401},
      {"read-only token is 403", "", R"({"ref":"main","inputs":{"version":"1"}})", "ghp_rita", 403},
      {"numeric workflow id works", "/repos/acme/app/actions/workflows/161335/dispatches",
       R"({"ref":"main","inputs":{"version":"1"}})", "ghp_alice", 204},
  };
  for (const Case& c : cases) {
    const std::string path = c.path.empty() ? "/repos/acme/app/actions/workflows/docker.yml/dispatches" : c.path;
    http::Response r = Call("POST", path, c.body, c.token);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_TRUE(r.headers.Has("x-ratelimit-remaining")) << c.name;
    if (c.status >= 400) {
      EXPECT_FALSE(Json::Parse(r.body)->GetString("message").empty()) << c.name;
    }
  }
}

TEST_F(GithubFixture, a_run_moves_queued_in_progress_completed_on_the_clock_and_runs_its_command) {
  Make({"sh", "-c", "echo v=$INPUT_VERSION b=$INPUT_BUILD_ID id=$GITHUB_RUN_ID"});
  Json d = *Json::Parse(Dispatch(R"({"ref":"main","inputs":{"version":"2.0"},"return_run_details":true})").body);
  const int64_t id = *d.Find("workflow_run_id")->AsInt();
  Json run = Run(id);
  EXPECT_EQ(run.GetString("status"), "queued");
  EXPECT_TRUE(run.Find("conclusion")->is_null());
  EXPECT_EQ(run.GetString("display_title"), "build none");  // the default of build_id
  EXPECT_EQ(run.GetString("event"), "workflow_dispatch");
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(Run(id).GetString("status"), "in_progress");
  github->WaitForRuns();
  EXPECT_EQ(Run(id).GetString("status"), "in_progress") << "min_run_time has not passed";
  clock.Advance(std::chrono::seconds(10));
  run = Run(id);
  EXPECT_EQ(run.GetString("status"), "completed");
  EXPECT_EQ(run.GetString("conclusion"), "success");
  EXPECT_EQ(run.GetString("updated_at"), "2026-01-01T00:00:15Z");
  Json control = *github->Control("GET", "/__emulator/runs/" + std::to_string(id));
  EXPECT_EQ(control.GetString("output_tail"), "v=2.0 b=none id=" + std::to_string(id) + "\n");
}

TEST_F(GithubFixture, a_failing_command_concludes_failure_with_its_output_kept) {
  Make({"sh", "-c", "echo broken >&2; exit 3"});
  Json d = *Json::Parse(Dispatch(R"({"ref":"main","inputs":{"version":"1"},"return_run_details":true})").body);
  const int64_t id = *d.Find("workflow_run_id")->AsInt();
  clock.Advance(std::chrono::seconds(5));
  Run(id);
  github->WaitForRuns();
  clock.Advance(std::chrono::seconds(10));
  EXPECT_EQ(Run(id).GetString("conclusion"), "failure");
  Json control = *github->Control("GET", "/__emulator/runs/" + std::to_string(id));
  EXPECT_EQ(*control.Find("exit_code")->AsInt(), 3);
  EXPECT_EQ(control.GetString("output_tail"), "broken\n");
}

TEST_F(GithubFixture, list_runs_filters_newest_first_and_pages_with_link_headers) {
  Make({});
  for (int i = 1; i <= 5; ++i) {
    EXPECT_EQ(Dispatch(R"({"ref":"main","inputs":{"version":"1","build_id":"b)" + std::to_string(i) + "\"}}").status,
              204);
  }
  http::Response r = Call("GET", "/repos/acme/app/actions/workflows/docker.yml/runs", "", "ghp_alice",
                          "per_page=2&page=2&status=queued");
  ASSERT_EQ(r.status, 200);
  Json body = *Json::Parse(r.body);
  EXPECT_EQ(*body.Find("total_count")->AsInt(), 5);
  ASSERT_EQ(body.Find("workflow_runs")->size(), 2u);
  EXPECT_EQ(body.Find("workflow_runs")->At(0).GetString("display_title"), "build b3");
  const std::string link = r.headers.Get("Link").value_or("");
  EXPECT_NE(link.find("per_page=2&status=queued&page=3>; rel=\"next\""), std::string::npos) << link;
  EXPECT_NE(link.find("page=1>; rel=\"prev\""), std::string::npos) << link;
  Json none = *Json::Parse(
      Call("GET", "/repos/acme/app/actions/workflows/docker.yml/runs", "", "ghp_alice", "status=completed").body);
  EXPECT_EQ(*none.Find("total_count")->AsInt(), 0);
  Json today = *Json::Parse(
      Call("GET", "/repos/acme/app/actions/workflows/docker.yml/runs", "", "ghp_alice", "created=2026-01-01").body);
  EXPECT_EQ(*today.Find("total_count")->AsInt(), 5);
  Json later = *Json::Parse(
      Call("GET", "/repos/acme/app/actions/workflows/docker.yml/runs", "", "ghp_alice", "created=>2026-01-01").body);
  EXPECT_EQ(*later.Find("total_count")->AsInt(), 0);
}

TEST_F(GithubFixture, a_spent_budget_answers_403_with_retry_after_and_uses_no_quota) {
  Make({}, 2);
  EXPECT_EQ(Call("GET", "/repos/acme/app/actions/runs/1").headers.Get("x-ratelimit-remaining"), "1");
  EXPECT_EQ(Call("GET", "/repos/acme/app/actions/runs/1").headers.Get("x-ratelimit-remaining"), "0");
  http::Response refused = Call("GET", "/repos/acme/app/actions/runs/1");
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.headers.Get("Retry-After"), "3600");
  EXPECT_EQ(refused.headers.Get("x-ratelimit-used"), "2");
  clock.Advance(std::chrono::hours(1));
  EXPECT_EQ(Call("GET", "/repos/acme/app/actions/runs/1").status, 404);
  Json stats = *github->Control("GET", "/__emulator/stats");
  const Json& alice = *stats.Find("rate_limit")->Find("callers")->Find("alice");
  EXPECT_EQ(*alice.Find("refused")->AsInt(), 1);
  EXPECT_EQ(*alice.Find("max_used_in_any_window")->AsInt(), 2);
  EXPECT_EQ(*stats.Find("requests")->Find("by_route")->Find("GET /repos/{owner}/{repo}/actions/runs/{run_id}")->AsInt(), 4);
}

TEST_F(GithubFixture, control_api_adds_workflows_and_injects_faults) {
  Make({});
  ASSERT_TRUE(github->Control("POST", "/__emulator/workflows",
                              R"({"repository":"acme/lib","file":"ci.yml","inputs":["tag"]})").ok());
  EXPECT_EQ(Call("POST", "/repos/acme/lib/actions/workflows/ci.yml/dispatches", R"({"ref":"main","inputs":{"tag":"x"}})")
                .status, 204);
  ASSERT_TRUE(github->Control("POST", "/__emulator/faults", R"({"path_regex":"/dispatches$","status":503})").ok());
  http::Response faulted = Dispatch(R"({"ref":"main","inputs":{"version":"1"}})");
  EXPECT_EQ(faulted.status, 503);
  EXPECT_EQ(faulted.headers.Get("Retry-After"), "1");
  EXPECT_EQ(Dispatch(R"({"ref":"main","inputs":{"version":"1"}})").status, 204) << "count 1 fires once";
}

TEST_F(GithubFixture, cancelling_a_running_command_concludes_cancelled) {
  Make({"sleep", "30"});
  Json d = *Json::Parse(Dispatch(R"({"ref":"main","inputs":{"version":"1"},"return_run_details":true})").body);
  const std::string id = std::to_string(*d.Find("workflow_run_id")->AsInt());
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(Run(std::stoll(id)).GetString("status"), "in_progress");
  EXPECT_EQ(Call("POST", "/repos/acme/app/actions/runs/" + id + "/cancel").status, 202);
  github->WaitForRuns();
  EXPECT_EQ(Run(std::stoll(id)).GetString("conclusion"), "cancelled");
}

}  // namespace
}  // namespace spaceport::github_emulator
