// HubClient against a scripted transport: the exact request of every endpoint (method, path,
// query, headers, body) and what the client makes of the answers.
#include "clients/hub/hub_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "clients/hub/hub_error.h"
#include "hub/fake_hub.h"

namespace spaceport::hub {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::FakeHub;
using testing::HubError;
using testing::Json200;
using testing::kToken;
using testing::Reply;
using testing::TestConfig;

const std::string kSha = "c52ce5e45984b9378ef6247fe7a45ed72b096b24";
const std::string kRuntime =
    R"({"stage":"BUILDING","hardware":{"current":null,"requested":"cpu-basic"},"gcTimeout":172800})";

std::unique_ptr<HubClient> MakeClient(http::Transport& transport, Clock& clock,
                                      std::shared_ptr<HostBudget> budget = nullptr,
                                      HubConfig config = TestConfig()) {
  auto client = HubClient::Create(std::move(config), transport, clock, std::move(budget));
  EXPECT_TRUE(client.ok()) << client.status().ToString();
  return client.ok() ? std::move(*client) : nullptr;
}

// --- request shapes -------------------------------------------------------------------------

struct ShapeCase {
  std::string name;
  std::string line;  // "METHOD /path?query"
  http::Response reply;
  std::function<Status(HubClient&)> call;
  std::string body;                          // exact request body
  std::optional<std::string> content_type;   // nullopt: no Content-Type header
  std::string accept = "application/json";
};

Status StatusOf(const auto& result) { return result.ok() ? Status::Ok() : result.status(); }

TEST(HubClientRequests, EveryEndpointSendsTheShapeTheReferenceDocuments) {
  const std::string json = "application/json";
  const ShapeCase cases[] = {
      {"whoami is a GET of whoami-v2", "GET /api/whoami-v2", Json200(R"({"name":"alice"})"),
       [](HubClient& c) { return StatusOf(c.WhoAmI()); }, "", std::nullopt},
      {"Space info asks for every field an observer needs in one request",
       "GET /api/spaces/alice/demo?expand=sha&expand=runtime&expand=cardData&expand=siblings&"
       "expand=subdomain&expand=sdk&expand=private&expand=lastModified",
       Json200(R"({"id":"alice/demo"})"),
       [](HubClient& c) { return StatusOf(c.GetSpaceInfo("alice/demo")); }, "", std::nullopt},
      {"Space info at a revision encodes the revision's slashes",
       "GET /api/spaces/alice/demo/revision/refs%2Fpr%2F3?expand=sha",
       Json200(R"({"id":"alice/demo"})"),
       [](HubClient& c) { return StatusOf(c.GetSpaceInfo("alice/demo", {"sha"}, "refs/pr/3")); },
       "", std::nullopt},
      {"Space info without expand asks for the full answer", "GET /api/spaces/alice/demo",
       Json200(R"({"id":"alice/demo"})"),
       [](HubClient& c) { return StatusOf(c.GetSpaceInfo("alice/demo", {})); }, "", std::nullopt},
      {"runtime", "GET /api/spaces/alice/demo/runtime", Json200(kRuntime),
       [](HubClient& c) { return StatusOf(c.GetSpaceRuntime("alice/demo")); }, "", std::nullopt},
      {"variables are listed", "GET /api/spaces/alice/demo/variables", Json200("{}"),
       [](HubClient& c) { return StatusOf(c.GetVariables("alice/demo")); }, "", std::nullopt},
      {"a variable is upserted with its description", "POST /api/spaces/alice/demo/variables",
       Json200("{}"),
       [](HubClient& c) {
         return StatusOf(c.SetVariable("alice/demo", "LOG_LEVEL", "info", "how loud"));
       },
       R"({"key":"LOG_LEVEL","value":"info","description":"how loud"})", json},
      {"a variable without description sends none", "POST /api/spaces/alice/demo/variables",
       Json200("{}"), [](HubClient& c) { return StatusOf(c.SetVariable("alice/demo", "K", "v")); },
       R"({"key":"K","value":"v"})", json},
      {"a variable is deleted by key in a DELETE body", "DELETE /api/spaces/alice/demo/variables",
       Json200("{}"), [](HubClient& c) { return StatusOf(c.DeleteVariable("alice/demo", "K")); },
       R"({"key":"K"})", json},
      {"secrets are listed (keys and descriptions)", "GET /api/spaces/alice/demo/secrets",
       Json200("{}"), [](HubClient& c) { return StatusOf(c.GetSecrets("alice/demo")); }, "",
       std::nullopt},
      {"a secret is upserted with its fingerprint description",
       "POST /api/spaces/alice/demo/secrets", Json200("{}"),
       [](HubClient& c) { return c.SetSecret("alice/demo", "API_KEY", "s3cret", "fp:ab12"); },
       R"({"key":"API_KEY","value":"s3cret","description":"fp:ab12"})", json},
      {"a secret is deleted by key", "DELETE /api/spaces/alice/demo/secrets", Json200("{}"),
       [](HubClient& c) { return c.DeleteSecret("alice/demo", "API_KEY"); }, R"({"key":"API_KEY"})",
       json},
      {"hardware with a sleep time", "POST /api/spaces/alice/demo/hardware", Json200(kRuntime),
       [](HubClient& c) {
         return StatusOf(c.RequestHardware("alice/demo", {"t4-small", 3600}));
       },
       R"({"flavor":"t4-small","sleepTimeSeconds":3600})", json},
      {"hardware alone", "POST /api/spaces/alice/demo/hardware", Json200(kRuntime),
       [](HubClient& c) { return StatusOf(c.RequestHardware("alice/demo", {"cpu-basic", {}})); },
       R"({"flavor":"cpu-basic"})", json},
      {"sleep time; -1 never sleeps", "POST /api/spaces/alice/demo/sleeptime", Json200(kRuntime),
       [](HubClient& c) { return StatusOf(c.SetSleepTime("alice/demo", -1)); },
       R"({"seconds":-1})", json},
      {"pause has no body and no Content-Type", "POST /api/spaces/alice/demo/pause",
       Json200(R"({"stage":"PAUSED"})"),
       [](HubClient& c) { return StatusOf(c.Pause("alice/demo")); }, "", std::nullopt},
      {"restart has no body", "POST /api/spaces/alice/demo/restart", Json200(kRuntime),
       [](HubClient& c) { return StatusOf(c.Restart("alice/demo")); }, "", std::nullopt},
      {"a factory restart says so in the query", "POST /api/spaces/alice/demo/restart?factory=true",
       Json200(kRuntime), [](HubClient& c) { return StatusOf(c.Restart("alice/demo", true)); },
       "", std::nullopt},
      {"a docker Space is created public by default", "POST /api/repos/create",
       Json200(R"({"url":"https://hub.test/spaces/alice/demo","name":"alice/demo","id":"67ca"})"),
       [](HubClient& c) { return StatusOf(c.CreateSpace({.id = "alice/demo"})); },
       R"({"name":"demo","organization":"alice","type":"space","sdk":"docker","private":false})",
       json},
      {"a private Space with hardware and sleep time", "POST /api/repos/create",
       Json200(R"({"url":"https://hub.test/spaces/acme/app","name":"acme/app","id":"67cb"})"),
       [](HubClient& c) {
         return StatusOf(c.CreateSpace({.id = "acme/app",
                                        .is_private = true,
                                        .hardware = "cpu-upgrade",
                                        .sleep_time_seconds = 600}));
       },
       R"({"name":"app","organization":"acme","type":"space","sdk":"docker","private":true,"hardware":"cpu-upgrade","sleepTimeSeconds":600})",
       json},
      {"build logs ask for a tail as an event stream", "GET /api/spaces/alice/demo/logs/build?tail=20",
       Reply(200, "", {{"Content-Type", "text/event-stream"}}),
       [](HubClient& c) {
         return StatusOf(c.TailLogs("alice/demo", LogKind::kBuild, {.max_lines = 20}));
       },
       "", std::nullopt, "text/event-stream"},
      {"run logs", "GET /api/spaces/alice/demo/logs/run?tail=50",
       Reply(200, "", {{"Content-Type", "text/event-stream"}}),
       [](HubClient& c) { return StatusOf(c.TailLogs("alice/demo", LogKind::kRun)); }, "",
       std::nullopt, "text/event-stream"},
      {"a file is resolved at a revision, path segments encoded but slashes kept",
       "GET /spaces/alice/demo/resolve/v1%2F2/src/my%20file.py",
       Reply(200, "x", {{"X-Repo-Commit", kSha}, {"ETag", "\"1a42\""}}),
       [](HubClient& c) { return StatusOf(c.DownloadFile("alice/demo", "v1/2", "src/my file.py")); },
       "", std::nullopt, ""},
  };
  for (const ShapeCase& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    FakeHub hub;
    hub.Expect(c.line, c.reply);
    auto client = MakeClient(hub, clock);
    ASSERT_NE(client, nullptr);
    Status s = c.call(*client);
    EXPECT_TRUE(s.ok()) << s.ToString();
    ASSERT_THAT(hub.mismatches(), IsEmpty());
    ASSERT_EQ(hub.requests().size(), 1u);
    const http::Request sent = hub.requests()[0];
    EXPECT_EQ(sent.headers.Get("Authorization"), "Bearer " + std::string(kToken));
    EXPECT_EQ(sent.headers.Get("Content-Type"), c.content_type);
    EXPECT_EQ(sent.headers.Get("Accept").value_or(""), c.accept);
    EXPECT_EQ(sent.body, c.body);
  }
}

TEST(HubClientRequests, AnAnonymousClientSendsNoAuthorization) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /api/spaces/alice/demo/runtime", Json200(kRuntime));
  auto client = MakeClient(hub, clock, nullptr, TestConfig(/*with_token=*/false));
  ASSERT_TRUE(client->GetSpaceRuntime("alice/demo").ok());
  EXPECT_FALSE(hub.last().headers.Has("Authorization"));
}

TEST(HubClientRequests, ABadSpaceIdIsRefusedBeforeAnyRequest) {
  FakeClock clock;
  FakeHub hub;
  auto client = MakeClient(hub, clock);
  for (std::string_view id : {"demo", "a/b/c", "/demo", "alice/", "alice/de mo", "alice/..x",
                              "alice/demo?x=1"}) {
    SCOPED_TRACE(id);
    auto r = client->GetSpaceRuntime(id);
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_THAT(hub.requests(), IsEmpty());
}

// --- commits --------------------------------------------------------------------------------

CommitRequest DeployCommit() {
  CommitRequest r;
  r.summary = "Deploy v1.0.0";
  r.parent_commit = kSha;
  r.files = {{"Dockerfile", "FROM ghcr.io/a/b@sha256:ab\n"}, {"README.md", "---\nsdk: docker\n---\n"}};
  return r;
}

TEST(HubClientCommit, PreuploadsThenCommitsNdjsonAndReturnsTheNewCommit) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/preupload/main",
             Json200(R"({"files":[{"path":"Dockerfile","uploadMode":"regular","shouldIgnore":false},)"
                     R"({"path":"README.md","uploadMode":"regular","shouldIgnore":false,"oid":"1a42"}],)"
                     R"("commitOid":")" + kSha + R"("})"))
      .Expect("POST /api/spaces/alice/demo/commit/main",
              Json200(R"({"success":true,"commitOid":"1111111111111111111111111111111111111111",)"
                      R"("commitUrl":"https://hub.test/spaces/alice/demo/commit/1111","hookOutput":""})"));
  auto client = MakeClient(hub, clock);
  auto result = client->Commit("alice/demo", DeployCommit());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->commit_id, "1111111111111111111111111111111111111111");
  EXPECT_EQ(result->commit_url, "https://hub.test/spaces/alice/demo/commit/1111");
  ASSERT_THAT(hub.mismatches(), IsEmpty());

  const http::Request preupload = hub.requests()[0];
  EXPECT_EQ(preupload.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(preupload.body,
            R"({"files":[{"path":"Dockerfile","size":27,"sample":"RlJPTSBnaGNyLmlvL2EvYkBzaGEyNTY6YWIK"},)"
            R"({"path":"README.md","size":20,"sample":"LS0tCnNkazogZG9ja2VyCi0tLQo="}]})");
  const http::Request commit = hub.requests()[1];
  EXPECT_EQ(commit.headers.Get("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(commit.headers.Get("Authorization"), "Bearer " + std::string(kToken));
  EXPECT_EQ(commit.body,
            R"({"key":"header","value":{"summary":"Deploy v1.0.0","parentCommit":")" + kSha +
                R"("}})" "\n"
                R"({"key":"file","value":{"content":"RlJPTSBnaGNyLmlvL2EvYkBzaGEyNTY6YWIK","path":"Dockerfile","encoding":"base64"}})" "\n"
                R"({"key":"file","value":{"content":"LS0tCnNkazogZG9ja2VyCi0tLQo=","path":"README.md","encoding":"base64"}})" "\n");
}

TEST(HubClientCommit, ADeletionOnlyCommitSkipsThePreupload) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/commit/main",
             Json200(R"({"commitOid":"2222222222222222222222222222222222222222"})"));
  auto client = MakeClient(hub, clock);
  CommitRequest r;
  r.summary = "Remove app.py";
  r.deletions = {"app.py"};
  auto result = client->Commit("alice/demo", r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_THAT(hub.Lines(), ElementsAre("POST /api/spaces/alice/demo/commit/main"));
  EXPECT_EQ(hub.last().body, R"({"key":"header","value":{"summary":"Remove app.py"}})" "\n"
                             R"({"key":"deletedFile","value":{"path":"app.py"}})" "\n");
}

TEST(HubClientCommit, AStaleParentCommitIsAConflictThatSaysObserveAgain) {
  for (int status : {409, 412}) {
    SCOPED_TRACE(status);
    FakeClock clock;
    FakeHub hub;
    hub.Expect("POST /api/spaces/alice/demo/preupload/main",
               Json200(R"({"files":[],"commitOid":"x"})"))
        .Expect("POST /api/spaces/alice/demo/commit/main",
                HubError(status, "", "A commit has happened since. Please refresh and try again."));
    auto client = MakeClient(hub, clock);
    auto result = client->Commit("alice/demo", DeployCommit());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kConflict);
    EXPECT_EQ(ConditionReasonFor(result.status()), reason::kConflict);
    EXPECT_THAT(result.status().message(),
                HasSubstr("the Space changed since it was observed (expected parent c52ce5e45984); "
                          "observe again"));
    EXPECT_THAT(result.status().message(), HasSubstr("A commit has happened since"));
    EXPECT_EQ(hub.requests().size(), 2u);  // a POST conflict is never retried
  }
}

TEST(HubClientCommit, AFileTheHubWantsInLfsIsUnimplementedAndNothingIsCommitted) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/preupload/main",
             Json200(R"({"files":[{"path":"Dockerfile","uploadMode":"regular","shouldIgnore":false},)"
                     R"({"path":"README.md","uploadMode":"lfs","shouldIgnore":false}],"commitOid":"x"})"));
  auto client = MakeClient(hub, clock);
  auto result = client->Commit("alice/demo", DeployCommit());
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kUnimplemented);
  EXPECT_THAT(result.status().message(), HasSubstr("README.md (20 bytes)"));
  EXPECT_THAT(result.status().message(), HasSubstr("Git LFS"));
  EXPECT_EQ(hub.requests().size(), 1u);
}

TEST(HubClientCommit, IgnoredFilesAreLeftOutOfTheCommitAndReported) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/preupload/main",
             Json200(R"({"files":[{"path":"Dockerfile","uploadMode":"regular","shouldIgnore":false},)"
                     R"({"path":"README.md","uploadMode":"regular","shouldIgnore":true}],"commitOid":"x"})"))
      .Expect("POST /api/spaces/alice/demo/commit/main",
              Json200(R"({"commitOid":"3333333333333333333333333333333333333333"})"));
  auto client = MakeClient(hub, clock);
  auto result = client->Commit("alice/demo", DeployCommit());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_THAT(result->ignored_paths, ElementsAre("README.md"));
  EXPECT_THAT(hub.last().body, Not(HasSubstr("README.md")));
}

TEST(HubClientCommit, PreuploadIsBatched) {
  FakeClock clock;
  FakeHub hub;
  HubClientOptions options;
  options.preupload_batch = 2;
  CommitRequest r;
  r.summary = "many";
  for (int i = 0; i < 5; ++i) r.files.push_back({"f" + std::to_string(i), "x"});
  for (int i = 0; i < 3; ++i) {
    hub.Expect("POST /api/spaces/alice/demo/preupload/main", Json200(R"({"files":[]})"));
  }
  hub.Expect("POST /api/spaces/alice/demo/commit/main", Json200(R"({"commitOid":"4"})"));
  auto client = HubClient::Create(TestConfig(), hub, clock, nullptr, options);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE((*client)->Commit("alice/demo", r).ok());
  EXPECT_THAT(hub.requests()[2].body, HasSubstr(R"("path":"f4")"));
  EXPECT_THAT(hub.mismatches(), IsEmpty());
}

TEST(HubClientCommit, AnEmptyCommitOrAMissingSummaryIsRefusedLocally) {
  FakeClock clock;
  FakeHub hub;
  auto client = MakeClient(hub, clock);
  CommitRequest empty;
  empty.summary = "nothing";
  EXPECT_EQ(client->Commit("alice/demo", empty).status().code(), StatusCode::kInvalidArgument);
  CommitRequest unnamed = DeployCommit();
  unnamed.summary = "";
  EXPECT_EQ(client->Commit("alice/demo", unnamed).status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(hub.requests(), IsEmpty());
}

// --- downloads ------------------------------------------------------------------------------

TEST(HubClientDownload, ReadsContentCommitAndUnquotedEtag) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /spaces/alice/demo/resolve/main/Dockerfile",
             Reply(200, "FROM x\n", {{"X-Repo-Commit", kSha}, {"ETag", "W/\"1a42\""}}));
  auto client = MakeClient(hub, clock);
  auto file = client->DownloadFile("alice/demo", "main", "Dockerfile");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(file->has_value());
  EXPECT_EQ((*file)->content, "FROM x\n");
  EXPECT_EQ((*file)->commit, kSha);
  EXPECT_EQ((*file)->etag, "1a42");
}

TEST(HubClientDownload, AMissingFileIsNoFileButAMissingSpaceIsAnError) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /spaces/alice/demo/resolve/main/Dockerfile",
             HubError(404, "EntryNotFound", "Entry not found"))
      .Expect("GET /spaces/alice/gone/resolve/main/Dockerfile",
              HubError(404, "RepoNotFound", "Repository not found"));
  auto client = MakeClient(hub, clock);
  auto missing_file = client->DownloadFile("alice/demo", "", "Dockerfile");
  ASSERT_TRUE(missing_file.ok()) << missing_file.status().ToString();
  EXPECT_FALSE(missing_file->has_value());
  auto missing_space = client->DownloadFile("alice/gone", "main", "Dockerfile");
  EXPECT_EQ(missing_space.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ConditionReasonFor(missing_space.status()), reason::kSpaceMissing);
}

TEST(HubClientDownload, ARedirectToACdnKeepsTheFirstHopsHeadersAndDropsTheToken) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /spaces/alice/demo/resolve/main/weights.bin",
             Reply(302, "",
                   {{"Location", "https://cdn.test/blob?sig=abc"},
                    {"X-Repo-Commit", kSha},
                    {"X-Linked-Etag", "\"sha256hex\""},
                    {"ETag", "\"pointer-etag\""}}))
      .Expect("GET https://cdn.test/blob?sig=abc", Reply(200, "bytes", {{"ETag", "\"cdn\""}}));
  auto client = MakeClient(hub, clock);
  auto file = client->DownloadFile("alice/demo", "main", "weights.bin");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_TRUE(file->has_value());
  EXPECT_EQ((*file)->content, "bytes");
  EXPECT_EQ((*file)->commit, kSha);
  EXPECT_EQ((*file)->etag, "sha256hex");
  const auto requests = hub.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].headers.Has("Authorization"));
  EXPECT_FALSE(requests[1].headers.Has("Authorization"));
  EXPECT_EQ(client->request_counts().by_operation.at("download"), 1);
  EXPECT_EQ(client->budget().stats().total, 1);  // the CDN is not the Hub's budget
}

TEST(HubClientDownload, ARedirectWithinTheHubKeepsTheToken) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /spaces/alice/old/resolve/main/README.md",
             Reply(307, "", {{"Location", "/spaces/alice/new/resolve/main/README.md"}}))
      .Expect("GET /spaces/alice/new/resolve/main/README.md",
              Reply(200, "hi", {{"X-Repo-Commit", kSha}, {"ETag", "\"e\""}}));
  auto client = MakeClient(hub, clock);
  auto file = client->DownloadFile("alice/old", "main", "README.md");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_EQ((*file)->commit, kSha);
  EXPECT_TRUE(hub.requests()[1].headers.Has("Authorization"));
}

// --- answers --------------------------------------------------------------------------------

TEST(HubClientAnswers, ResultsCarryWhatTheHubAnswered) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/variables",
             Json200(R"({"A":{"value":"1","updatedAt":"t"},"B":{"value":"2","description":"d"}})"))
      .Expect("DELETE /api/spaces/alice/demo/variables", Json200(R"({"B":{"value":"2"}})"))
      .Expect("POST /api/spaces/alice/demo/pause",
              Json200(R"({"stage":"PAUSED","hardware":{"current":null,"requested":"cpu-basic"}})"))
      .Expect("GET /api/whoami-v2",
              Json200(R"({"name":"alice","orgs":[{"name":"acme"}],"auth":{"type":"access_token","accessToken":{"displayName":"ci","role":"write"}}})"))
      .Expect("POST /api/repos/create",
              Json200(R"({"url":"https://hub.test/spaces/alice/demo","name":"alice/demo","id":"x"})"))
      .Expect("GET /api/spaces/alice/demo/logs/build?tail=2",
              Reply(200,
                    "data: {\"data\":\"Step 1\\n\"}\n\ndata: {\"data\":\"Step 2\\n\"}\n\n"
                    "data: {\"data\":\"ERROR: failed to solve\\n\"}\n\n",
                    {{"Content-Type", "text/event-stream"}}));
  auto client = MakeClient(hub, clock);

  auto vars = client->SetVariable("alice/demo", "A", "1");
  ASSERT_TRUE(vars.ok());
  EXPECT_EQ(vars->size(), 2u);
  EXPECT_EQ(vars->at("B").description, "d");
  auto after = client->DeleteVariable("alice/demo", "A");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->count("A"), 0u);
  auto paused = client->Pause("alice/demo");
  ASSERT_TRUE(paused.ok());
  EXPECT_EQ(paused->stage, "PAUSED");
  EXPECT_FALSE(paused->hardware_current.has_value());
  auto me = client->WhoAmI();
  ASSERT_TRUE(me.ok());
  EXPECT_EQ(me->name, "alice");
  EXPECT_EQ(me->token_role, "write");
  auto created = client->CreateSpace({.id = "alice/demo"});
  ASSERT_TRUE(created.ok());
  EXPECT_FALSE(created->already_existed);
  EXPECT_EQ(created->url, "https://hub.test/spaces/alice/demo");
  auto logs = client->TailLogs("alice/demo", LogKind::kBuild, {.max_lines = 2});
  ASSERT_TRUE(logs.ok());
  EXPECT_THAT(logs->lines, ElementsAre("Step 2", "ERROR: failed to solve"));
  EXPECT_TRUE(logs->truncated);

  RequestCounts counts = client->request_counts();
  EXPECT_EQ(counts.total, 6);
  EXPECT_EQ(counts.by_operation.at("set variable"), 1);
  EXPECT_EQ(counts.by_operation.at("logs"), 1);
  EXPECT_THAT(hub.mismatches(), IsEmpty());
}

TEST(HubClientAnswers, CreatingASpaceThatExistsIsSuccessButAConcurrentCreateIsTransient) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/repos/create",
             Reply(409, R"({"error":"You already created this space repo","url":"https://hub.test/spaces/alice/demo"})",
                   {{"Content-Type", "application/json"}}))
      .Expect("POST /api/repos/create",
              HubError(409, "", "Cannot create repo: another conflicting operation is in progress"));
  auto client = MakeClient(hub, clock);
  auto exists = client->CreateSpace({.id = "alice/demo"});
  ASSERT_TRUE(exists.ok()) << exists.status().ToString();
  EXPECT_TRUE(exists->already_existed);
  EXPECT_EQ(exists->url, "https://hub.test/spaces/alice/demo");
  auto busy = client->CreateSpace({.id = "alice/demo"});
  EXPECT_EQ(busy.status().code(), StatusCode::kUnavailable);
}

// --- errors ---------------------------------------------------------------------------------

TEST(HubClientErrors, FailuresMapToCodesReasonsAndMessagesWithoutTheToken) {
  struct Case {
    std::string name;
    http::Response reply;
    StatusCode code;
    std::string_view reason;
    std::string message_part;
  };
  const Case cases[] = {
      {"401 asks to check the token and names its source, not its value",
       HubError(401, "", "Invalid credentials in Authorization header"),
       StatusCode::kUnauthenticated, reason::kAuthFailed,
       "401: Invalid credentials in Authorization header; check the Hub token (HF_TOKEN, "
       "docs/hub-auth.md)"},
      {"403", HubError(403, "", "You don't have the rights"), StatusCode::kPermissionDenied,
       reason::kAuthFailed, "check the Hub token"},
      {"404 is a missing Space", HubError(404, "RepoNotFound", "Repository not found"),
       StatusCode::kNotFound, reason::kSpaceMissing,
       "Hub: GET runtime of alice/demo: 404 RepoNotFound: Repository not found"},
      {"an echoed token is redacted",
       HubError(400, "", std::string("bad token ") + kToken), StatusCode::kInvalidArgument,
       reason::kHubError, "bad token hf_<redacted>"},
      {"an answer that is not JSON is a Hub error", Reply(200, "<html>"),
       StatusCode::kInvalidArgument, reason::kHubError, "not JSON"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    FakeHub hub;
    hub.Expect("GET /api/spaces/alice/demo/runtime", c.reply);
    auto client = MakeClient(hub, clock);
    auto r = client->GetSpaceRuntime("alice/demo");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), c.code);
    EXPECT_EQ(ConditionReasonFor(r.status()), c.reason);
    EXPECT_THAT(r.status().message(), HasSubstr(c.message_part));
    EXPECT_THAT(r.status().message(), Not(HasSubstr(kToken)));
  }
}

TEST(HubClientErrors, ASecretValueNeverAppearsInAnError) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("POST /api/spaces/alice/demo/secrets",
             HubError(400, "", "value 'super-secret-value' is too long"));
  auto client = MakeClient(hub, clock);
  Status s = client->SetSecret("alice/demo", "API_KEY", "super-secret-value");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), Not(HasSubstr("super-secret-value")));
  EXPECT_THAT(s.message(), HasSubstr("set secret API_KEY of alice/demo"));
}

TEST(HubClientErrors, A5xxOnAReadIsRetriedAndEveryAttemptIsCharged) {
  FakeClock clock;
  FakeHub hub;
  hub.Expect("GET /api/spaces/alice/demo/runtime", Reply(502))
      .Expect("GET /api/spaces/alice/demo/runtime", Json200(kRuntime));
  auto client = MakeClient(hub, clock);
  ASSERT_TRUE(client->GetSpaceRuntime("alice/demo").ok());
  EXPECT_EQ(client->budget().stats().total, 2);
  EXPECT_EQ(client->request_counts().total, 1);
  EXPECT_EQ(client->requests_sent(), 2);
}

// --- rate limits ----------------------------------------------------------------------------

TEST(HubClientRateLimit, A429IsNotRetriedAndPausesEveryClientOfTheHost) {
  FakeClock clock;
  FakeHub hub(&clock);
  hub.Expect("GET /api/spaces/alice/demo/runtime",
             Reply(429, R"({"error":"rate limited"})",
                   {{"Retry-After", "30"},
                    {"RateLimit", R"("api";r=0;t=30)"},
                    {"RateLimit-Policy", R"("fixed window";"api";q=1000;w=300)"}}))
      .Expect("GET /api/spaces/bob/other/runtime", Json200(kRuntime));
  auto budget = std::make_shared<HostBudget>(clock);
  auto first = MakeClient(hub, clock, budget);
  auto second = MakeClient(hub, clock, budget);

  const Clock::TimePoint start = clock.Now();
  auto limited = first->GetSpaceRuntime("alice/demo");
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(ConditionReasonFor(limited.status()), reason::kRateLimited);
  EXPECT_THAT(limited.status().message(), HasSubstr("GET runtime of alice/demo"));
  EXPECT_THAT(limited.status().message(), HasSubstr("paused for 30 s"));
  EXPECT_EQ(hub.requests().size(), 1u);  // http::Client did not retry it

  ASSERT_TRUE(second->GetSpaceRuntime("bob/other").ok());
  ASSERT_EQ(hub.times().size(), 2u);
  EXPECT_EQ(hub.times()[1] - start, Clock::Duration(std::chrono::seconds(30)));
  EXPECT_EQ(budget->stats().rate_limited, 1);
}

TEST(HubClientRateLimit, FailFastReturnsRateLimitedWithoutTouchingTheWire) {
  FakeClock clock;
  FakeHub hub(&clock);
  hub.Expect("GET /api/spaces/alice/demo/runtime", Reply(429, "", {{"Retry-After", "60"}}));
  HostBudgetOptions options;
  options.when_exhausted = HostBudgetOptions::WhenExhausted::kFailFast;
  auto budget = std::make_shared<HostBudget>(clock, options);
  auto client = MakeClient(hub, clock, budget);
  EXPECT_FALSE(client->GetSpaceRuntime("alice/demo").ok());
  auto refused = client->GetSpaceRuntime("alice/demo");
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(refused.status().message(), HasSubstr("available again in 60 s"));
  EXPECT_EQ(hub.requests().size(), 1u);
}

}  // namespace
}  // namespace spaceport::hub
