// GithubClient against a scripted transport: the exact requests it sends, what it makes of
// GitHub's answers, and how rate limits pause every caller.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/json.h"
#include "build/fake_github.h"
#include "clients/github/github_client.h"
#include "clients/github/github_error.h"

namespace spaceport::build_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kToken = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";

github::GithubConfig Config() {
  github::GithubConfig config;
  config.api_url = kApi;
  config.token = github::GithubToken{kToken, "GITHUB_TOKEN"};
  return config;
}

struct Fixture {
  FakeClock clock;
  FakeGithub gh;
  std::shared_ptr<github::RateBudget> budget = std::make_shared<github::RateBudget>(clock);
  std::unique_ptr<github::GithubClient> client;

  Fixture() {
    github::GithubClientOptions options;
    options.http.max_attempts = 1;
    auto created = github::GithubClient::Create(Config(), gh, clock, budget, options);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    client = std::move(*created);
  }
};

int64_t EpochSeconds(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TEST(GithubClient, DispatchSendsTheDocumentedRequestAndReadsTheRunDetailsOf200) {
  Fixture f;
  f.gh.Expect(kDispatch, Reply(200, R"({"workflow_run_id": 4242,
      "run_url": "https://api.github.test/repos/alice/app/actions/runs/4242",
      "html_url": "https://github.test/alice/app/actions/runs/4242"})"));
  auto run = f.client->CreateWorkflowDispatch("alice", "app", "docker.yml", "main",
                                              {{"version", "v1.2.0"}, {"build_id", "sp-1"}});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->id, 4242);
  EXPECT_EQ((*run)->html_url, "https://github.test/alice/app/actions/runs/4242");
  EXPECT_EQ((*run)->url, "https://api.github.test/repos/alice/app/actions/runs/4242");

  const http::Request sent = f.gh.requests().at(0);
  EXPECT_EQ(sent.headers.Get("Accept"), "application/vnd.github+json");
  EXPECT_EQ(sent.headers.Get("X-GitHub-Api-Version"), "2022-11-28");
  EXPECT_EQ(sent.headers.Get("Authorization"), std::string("Bearer ") + kToken);
  EXPECT_EQ(sent.headers.Get("Content-Type"), "application/json");
  auto body = Json::Parse(sent.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->GetString("ref"), "main");
  EXPECT_EQ(body->Find("inputs")->GetString("version"), "v1.2.0");
  EXPECT_EQ(body->Find("inputs")->GetString("build_id"), "sp-1");
  EXPECT_TRUE(body->Find("return_run_details")->AsBool());
  EXPECT_THAT(f.gh.mismatches(), IsEmpty());
}

TEST(GithubClient, DispatchAnswered204GivesNoRunDetails) {
  Fixture f;
  f.gh.Expect(kDispatch, Reply(204));
  auto run = f.client->CreateWorkflowDispatch("alice", "app", "docker.yml", "main", {});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_FALSE(run->has_value());
}

TEST(GithubClient, DispatchWithoutRunDetailsDoesNotAskForThem) {
  Fixture f;
  f.gh.Expect(kDispatch, Reply(204));
  ASSERT_TRUE(f.client->CreateWorkflowDispatch("alice", "app", "docker.yml", "v1", {}, false).ok());
  auto body = Json::Parse(f.gh.requests().at(0).body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->Find("return_run_details"), nullptr);
}

TEST(GithubClient, ErrorsBecomeStatusesWithReasonsAndNeverShowTheToken) {
  struct Case {
    std::string name;
    int status;
    std::string body;
    StatusCode code;
    std::string_view reason;
    std::string text;
  };
  const Case cases[] = {
      {"401 bad credentials is an auth failure naming the token's source", 401,
       R"({"message":"Bad credentials"})", StatusCode::kUnauthenticated, "AuthFailed",
       "GITHUB_TOKEN"},
      {"403 without rate-limit signs is a permission problem", 403,
       R"({"message":"Resource not accessible by integration"})", StatusCode::kPermissionDenied,
       "AuthFailed", "not accessible"},
      {"404 unknown workflow is NotFound", 404, R"({"message":"Not Found"})",
       StatusCode::kNotFound, "GitHubError", "404: Not Found"},
      {"422 bad input names GitHub's reason", 422,
       R"({"message":"Unexpected inputs provided: [\"colour\"]"})", StatusCode::kInvalidArgument,
       "GitHubError", "Unexpected inputs"},
      {"a server echoing the token has it masked", 422,
       std::string(R"({"message":"bad token )") + kToken + "\"}", StatusCode::kInvalidArgument,
       "GitHubError", "ghp_<redacted>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    f.gh.Expect(kDispatch, Reply(c.status, c.body));
    auto run = f.client->CreateWorkflowDispatch("alice", "app", "docker.yml", "main", {});
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.status().code(), c.code);
    EXPECT_EQ(github::ConditionReasonFor(run.status()), c.reason);
    EXPECT_THAT(run.status().message(), HasSubstr(c.text));
    EXPECT_THAT(run.status().message(), Not(HasSubstr(kToken)));
  }
}

TEST(GithubClient, ListRunsFiltersByEventAndFollowsLinkPagesUpToTheCap) {
  Fixture f;
  const std::string page2 =
      "/repositories/1/actions/workflows/docker.yml/runs?event=workflow_dispatch&per_page=100&page=2";
  const std::string page3 =
      "/repositories/1/actions/workflows/docker.yml/runs?event=workflow_dispatch&per_page=100&page=3";
  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(3, "build sp-c")}, 3),
                           {{"Link", "<" + std::string(kApi) + page2 + R"(>; rel="next", <)" +
                                         kApi + page3 + R"(>; rel="last")"}}));
  f.gh.Expect("GET " + page2, Reply(200, RunsPage({RunJson(2, "build sp-b")}, 3),
                                    {{"Link", "<" + std::string(kApi) + page3 + R"(>; rel="next")"}}));
  github::RunFilters filters;
  filters.event = "workflow_dispatch";
  filters.max_pages = 2;
  auto runs = f.client->ListWorkflowRuns("alice", "app", "docker.yml", filters);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ(runs->at(0).id, 3);
  EXPECT_EQ(runs->at(0).display_title, "build sp-c");
  EXPECT_EQ(runs->at(0).status, "queued");
  EXPECT_EQ(runs->at(1).id, 2);
  EXPECT_THAT(f.gh.mismatches(), IsEmpty());  // page 3 was not asked for
}

TEST(GithubClient, ListRunsNeverFollowsANextLinkToAnotherHost) {
  Fixture f;
  f.gh.Expect(kList, Reply(200, RunsPage({RunJson(1, "x")}),
                           {{"Link", R"(<https://evil.test/steal?page=2>; rel="next")"}}));
  github::RunFilters filters;
  filters.event = "workflow_dispatch";
  auto runs = f.client->ListWorkflowRuns("alice", "app", "docker.yml", filters);
  ASSERT_TRUE(runs.ok()) << runs.status().ToString();
  EXPECT_EQ(runs->size(), 1u);
  EXPECT_EQ(f.gh.requests().size(), 1u);
}

TEST(GithubClient, GetWorkflowRunReadsStatusConclusionAndPage) {
  Fixture f;
  f.gh.Expect("GET /repos/alice/app/actions/runs/77",
              Reply(200, RunJson(77, "build sp-x", "completed", "failure")));
  auto run = f.client->GetWorkflowRun("alice", "app", 77);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->id, 77);
  EXPECT_EQ(run->display_title, "build sp-x");
  EXPECT_EQ(run->status, "completed");
  EXPECT_EQ(run->conclusion, "failure");
  EXPECT_EQ(run->html_url, "https://github.test/alice/app/actions/runs/77");
  EXPECT_EQ(run->created_at, "2026-01-01T00:00:00Z");
}

TEST(GithubClient, ANameThatIsNotAGithubNameIsRefusedBeforeAnyRequest) {
  Fixture f;
  auto run = f.client->GetWorkflowRun("alice", "../etc", 1);
  EXPECT_EQ(run.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(f.gh.requests().empty());
}

TEST(GithubRateLimits, APrimaryLimitPausesEveryCallerUntilTheReset) {
  Fixture f;
  const int64_t reset = EpochSeconds(f.clock.Now()) + 90;
  f.gh.Expect("GET /repos/alice/app/actions/runs/1",
              Reply(403, R"({"message":"API rate limit exceeded for user ID 1."})",
                    {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(reset)}}));
  f.gh.Expect("GET /repos/alice/app/actions/runs/1", Reply(200, RunJson(1, "t")));
  auto limited = f.client->GetWorkflowRun("alice", "app", 1);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(github::ConditionReasonFor(limited.status()), "RateLimited");
  EXPECT_EQ(f.gh.requests().size(), 1u);  // not retried by the http client

  const auto before = f.clock.Now();
  auto after = f.client->GetWorkflowRun("alice", "app", 1);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(EpochSeconds(f.clock.Now()), reset);  // waited for the reset, not longer
  EXPECT_EQ(f.clock.Now() - before, std::chrono::seconds(90));
}

TEST(GithubRateLimits, SecondaryLimitsPauseForRetryAfterOrAMinute) {
  struct Case {
    std::string name;
    http::Response response;
    std::chrono::seconds pause;
  };
  const Case cases[] = {
      {"429 with Retry-After waits that long",
       Reply(429, R"({"message":"slow down"})", {{"Retry-After", "30"}}), std::chrono::seconds(30)},
      {"403 naming a secondary rate limit without headers waits a minute",
       Reply(403, R"({"message":"You have exceeded a secondary rate limit."})"),
       std::chrono::seconds(60)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Fixture f;
    f.gh.Expect("GET /repos/alice/app/actions/runs/5", c.response);
    f.gh.Expect("GET /repos/alice/app/actions/runs/5", Reply(200, RunJson(5, "t")));
    EXPECT_EQ(f.client->GetWorkflowRun("alice", "app", 5).status().code(),
              StatusCode::kResourceExhausted);
    EXPECT_EQ(f.budget->PauseRemaining(), Clock::Duration(c.pause));
    ASSERT_TRUE(f.client->GetWorkflowRun("alice", "app", 5).ok());
    EXPECT_EQ(f.clock.slept(), Clock::Duration(c.pause));
  }
}

TEST(GithubRateLimits, APauseLongerThanMaxWaitFailsAtOnceWithoutSending) {
  Fixture f;
  const int64_t reset = EpochSeconds(f.clock.Now()) + 3600;
  f.gh.Expect("GET /repos/alice/app/actions/runs/1",
              Reply(200, RunJson(1, "t"),
                    {{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", std::to_string(reset)}}));
  ASSERT_TRUE(f.client->GetWorkflowRun("alice", "app", 1).ok());  // the last one of the hour
  auto refused = f.client->GetWorkflowRun("alice", "app", 1);
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("3600 s"));
  EXPECT_EQ(f.gh.requests().size(), 1u);
  EXPECT_EQ(f.clock.slept(), Clock::Duration(0));
}

TEST(GithubRateLimits, ClientsSharingABudgetPauseTogether) {
  Fixture f;
  FakeGithub other_wire;
  auto other = github::GithubClient::Create(Config(), other_wire, f.clock, f.budget);
  ASSERT_TRUE(other.ok());
  f.gh.Expect("GET /repos/alice/app/actions/runs/1",
              Reply(429, "", {{"Retry-After", "20"}}));
  EXPECT_FALSE(f.client->GetWorkflowRun("alice", "app", 1).ok());
  other_wire.Expect("GET /repos/alice/app/actions/runs/1", Reply(200, RunJson(1, "t")));
  ASSERT_TRUE((*other)->GetWorkflowRun("alice", "app", 1).ok());
  EXPECT_EQ(f.clock.slept(), std::chrono::seconds(20));
}

TEST(GithubConfig, ApiUrlAndTokenComeFromTheEnvironmentAndAnExplicitTokenWins) {
  std::map<std::string, std::string> vars = {{"GITHUB_API_URL", "https://ghe.test/api/v3/"},
                                             {"GITHUB_TOKEN", " ghs_env \n"}};
  github::EnvLookup env = [&](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  auto from_env = github::ConfigFromEnvironment(env);
  ASSERT_TRUE(from_env.ok()) << from_env.status().ToString();
  EXPECT_EQ(from_env->api_url, "https://ghe.test/api/v3");
  EXPECT_EQ(from_env->token->value, "ghs_env");
  EXPECT_EQ(from_env->TokenDescription(), "GITHUB_TOKEN");

  auto explicit_token = github::ConfigFromEnvironment(env, std::string("ghp_deployment"));
  ASSERT_TRUE(explicit_token.ok());
  EXPECT_EQ(explicit_token->token->value, "ghp_deployment");
  EXPECT_EQ(explicit_token->TokenDescription(), "explicit token");

  vars.clear();
  auto defaults = github::ConfigFromEnvironment(env);
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->api_url, "https://api.github.com");
  EXPECT_FALSE(defaults->token.has_value());

  vars = {{"GITHUB_API_URL", "http://ghe.test/api/v3"}};
  EXPECT_EQ(github::ConfigFromEnvironment(env).status().code(), StatusCode::kInvalidArgument);
  vars = {{"GITHUB_API_URL", "http://127.0.0.1:8080"}};
  EXPECT_TRUE(github::ConfigFromEnvironment(env).ok());
}

TEST(GithubClient, AnEnterpriseApiUrlWithAPathPrefixesEveryRequest) {
  FakeClock clock;
  FakeGithub gh;
  github::GithubConfig config = Config();
  config.api_url = std::string(kApi) + "/api/v3";
  auto client = github::GithubClient::Create(config, gh, clock);
  ASSERT_TRUE(client.ok());
  gh.Expect("GET /api/v3/repos/alice/app/actions/runs/9", Reply(200, RunJson(9, "t")));
  EXPECT_TRUE((*client)->GetWorkflowRun("alice", "app", 9).ok());
  EXPECT_THAT(gh.Lines(), ElementsAre("GET /api/v3/repos/alice/app/actions/runs/9"));
}

}  // namespace
}  // namespace spaceport::build_testing
