// Repo lifecycle and the info document: create, delete, visibility, expand, cardData.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;
using testing::kAlice;
using testing::kBob;

std::vector<std::string> Keys(const Json& object) {
  std::vector<std::string> out;
  for (const auto& [key, value] : object.Members()) out.push_back(key);
  return out;
}

std::vector<std::string> Siblings(const Json& info) {
  std::vector<std::string> out;
  const Json& s = *info.Find("siblings");
  for (size_t i = 0; i < s.size(); ++i) out.push_back(s.At(i).GetString("rfilename"));
  return out;
}

TEST(Repos, CreateAnswersTheUrlOnTheEmulatorTheNameAndAnObjectId) {
  HubFixture hub;
  const Json created = hub.CreateSpace("alice/demo").json();
  EXPECT_EQ(created.GetString("url"), "http://hub.test/spaces/alice/demo");
  EXPECT_EQ(created.GetString("name"), "alice/demo");
  EXPECT_EQ(created.GetString("id").size(), 24u);
}

TEST(Repos, CreatingAnExistingRepoIs409WithItsUrl) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto again = hub.Post("/api/repos/create", R"({"name":"demo","type":"space","sdk":"docker"})");
  EXPECT_EQ(again.status(), 409);
  EXPECT_EQ(again.json().GetString("error"), "You already created this space repo");
  EXPECT_EQ(again.json().GetString("url"), "http://hub.test/spaces/alice/demo");
}

TEST(Repos, CreateUsesTheCallersNamespaceWhenOrganizationIsNullOrAbsent) {
  HubFixture hub;
  EXPECT_EQ(hub.Post("/api/repos/create", R"({"name":"a","organization":null,"type":"space","sdk":"docker"})")
                .json().GetString("name"), "alice/a");
  EXPECT_EQ(hub.Post("/api/repos/create", R"({"name":"b","type":"dataset"})").json().GetString("url"),
            "http://hub.test/datasets/alice/b");
  EXPECT_EQ(hub.Post("/api/repos/create", R"({"name":"c"})").json().GetString("url"), "http://hub.test/alice/c")
      << "no type is a model, whose URLs have no prefix";
}

TEST(Repos, CreateNeedsATokenAndMembershipOfTheNamespace) {
  HubFixture hub;
  const std::string body = R"({"name":"x","organization":"acme","type":"space","sdk":"docker"})";
  EXPECT_EQ(hub.Post("/api/repos/create", body, "").status(), 401);
  EXPECT_EQ(hub.Post("/api/repos/create", body, kBob).status(), 403);
  EXPECT_EQ(hub.Post("/api/repos/create", body, kAlice).status(), 200) << "alice is in acme";
}

TEST(Repos, CreateRefusesBadNamesSdksTypesAndHardware) {
  HubFixture hub;
  const std::string long_name(97, 'a');
  for (const std::string& body : std::vector<std::string>{
           R"({"name":"-x","type":"space","sdk":"docker"})", R"({"name":"a--b","type":"space","sdk":"docker"})",
           R"({"name":"a..b","type":"space","sdk":"docker"})",
           R"({"name":")" + long_name + R"(","type":"space","sdk":"docker"})",
           R"({"name":"ok","type":"space"})", R"({"name":"ok","type":"space","sdk":"php"})",
           R"({"name":"ok","type":"bucket"})", R"({"name":"ok","type":"space","sdk":"docker","hardware":"h100"})",
           R"({"type":"space","sdk":"docker"})", "not json"}) {
    EXPECT_EQ(hub.Post("/api/repos/create", body).status(), 400) << body;
  }
}

TEST(Repos, NewReposAreSeededAsOnTheHub) {
  HubFixture hub;
  hub.CreateSpace("alice/docker-space");
  hub.CreateSpace("alice/static-space", "static");
  hub.Post("/api/repos/create", R"({"name":"model"})");
  EXPECT_EQ(Siblings(hub.Get("/api/spaces/alice/docker-space").json()),
            (std::vector<std::string>{".gitattributes", "README.md"}));
  EXPECT_EQ(Siblings(hub.Get("/api/spaces/alice/static-space").json()),
            (std::vector<std::string>{".gitattributes", "README.md", "index.html", "style.css"}));
  EXPECT_EQ(Siblings(hub.Get("/api/models/alice/model").json()), (std::vector<std::string>{".gitattributes"}));
  const std::string readme = hub.Get("/spaces/alice/docker-space/resolve/main/README.md").body();
  EXPECT_NE(readme.find("sdk: docker\n"), std::string::npos) << readme;
}

TEST(Repos, FilesGivenToCreateAreInTheInitialCommit) {
  HubFixture hub;
  hub.CreateSpace("alice/demo", "docker", kAlice,
                  R"(,"files":[{"path":"Dockerfile","content":"RlJPTSB4Cg==","encoding":"base64"}])");
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/Dockerfile").body(), "FROM x\n");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/commits/main").json().size(), 1u);
}

TEST(Repos, PrivateReposAre404ToOthersAnd401ToAnonymousCallers) {
  HubFixture hub;
  hub.CreateSpace("alice/secret", "docker", kAlice, R"(,"private":true)");
  hub.CreateSpace("alice/hidden", "docker", kAlice, R"(,"visibility":"private")");
  for (const char* id : {"alice/secret", "alice/hidden"}) {
    const std::string target = std::string("/api/spaces/") + id;
    EXPECT_EQ(hub.Get(target).status(), 200);
    EXPECT_TRUE(hub.Get(target).json().Find("private")->AsBool());
    const auto other = hub.Get(target, kBob);
    EXPECT_EQ(other.status(), 404);
    EXPECT_EQ(other.header("X-Error-Code"), "RepoNotFound");
    EXPECT_EQ(hub.Get(target, "").status(), 401);
  }
}

TEST(Repos, DeleteAnswersPlainOkThenTheRepoIsGone) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto deleted = hub.Delete("/api/repos/delete", R"({"name":"demo","organization":"alice","type":"space"})");
  EXPECT_EQ(deleted.status(), 200);
  EXPECT_EQ(deleted.body(), "OK");
  EXPECT_EQ(deleted.header("Content-Type"), "text/plain; charset=utf-8");
  const auto info = hub.Get("/api/spaces/alice/demo");
  EXPECT_EQ(info.status(), 404);
  EXPECT_EQ(info.header("X-Error-Code"), "RepoNotFound");
  EXPECT_EQ(info.json().GetString("error"), "Repository not found");
  EXPECT_EQ(hub.Delete("/api/repos/delete", R"({"name":"demo","organization":"alice","type":"space"})").status(), 404);
}

TEST(Repos, OnlyMembersMayDelete) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(hub.Delete("/api/repos/delete", R"({"name":"demo","organization":"alice","type":"space"})", kBob).status(),
            403);
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo").status(), 200);
}

TEST(RepoInfo, WithoutExpandTheDefaultFieldsComeBack) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(Keys(hub.Get("/api/spaces/alice/demo").json()),
            (std::vector<std::string>{"_id", "id", "author", "sha", "lastModified", "createdAt", "private", "gated",
                                      "disabled", "host", "subdomain", "likes", "sdk", "tags", "models", "datasets",
                                      "cardData", "siblings", "runtime", "xetEnabled"}));
}

TEST(RepoInfo, WithExpandOnlyIdAndTheRequestedFieldsComeBackInOrder) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const Json info = hub.Get("/api/spaces/alice/demo/revision/HEAD?expand=sdk&expand=likes&expand=private"
                            "&expand=lastModified&expand=runtime&expand=sha").json();
  EXPECT_EQ(Keys(info), (std::vector<std::string>{"_id", "id", "sdk", "likes", "private", "lastModified", "runtime", "sha"}));
  EXPECT_EQ(info.GetString("lastModified"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(Keys(hub.Get("/api/spaces/alice/demo?expand[]=likes").json()),
            (std::vector<std::string>{"_id", "id", "likes"}));
}

TEST(RepoInfo, AnUnknownExpandFieldIs400) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto r = hub.Get("/api/spaces/alice/demo?expand=nope");
  EXPECT_EQ(r.status(), 400);
  EXPECT_NE(r.json().GetString("error").find("\"expand\" must be one of"), std::string::npos);
}

TEST(RepoInfo, CardDataAndSdkComeFromTheReadmeFrontMatter) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  hub.Commit("alice/demo", {{"README.md", "---\ntitle: Demo\nsdk: docker\napp_port: 8080\npinned: true\n---\n"}});
  const Json info = hub.Get("/api/spaces/alice/demo?expand=cardData&expand=sdk").json();
  EXPECT_EQ(info.Find("cardData")->Dump(), R"({"title":"Demo","sdk":"docker","app_port":8080,"pinned":true})");
  EXPECT_EQ(info.GetString("sdk"), "docker");
}

TEST(RepoInfo, RevisionsResolveToTheirCommitAndUnknownOnesAre404) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const std::string first = hub.Head("alice/demo");
  hub.clock.Advance(std::chrono::seconds(30));
  hub.Commit("alice/demo", {{"a.txt", "a"}});
  const Json old = hub.Get("/api/spaces/alice/demo/revision/" + first.substr(0, 7) + "?expand=sha&expand=siblings").json();
  EXPECT_EQ(old.GetString("sha"), first);
  EXPECT_EQ(old.Find("siblings")->size(), 2u);
  const auto unknown = hub.Get("/api/spaces/alice/demo/revision/v9");
  EXPECT_EQ(unknown.status(), 404);
  EXPECT_EQ(unknown.header("X-Error-Code"), "RevisionNotFound");
}

TEST(RepoInfo, BlobsTrueAddsSizeAndBlobIdToSiblings) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  hub.Commit("alice/demo", {{"hello.txt", "hello\n"}});
  const Json info = hub.Get("/api/spaces/alice/demo?expand=siblings&blobs=true").json();
  const Json& hello = info.Find("siblings")->At(2);
  EXPECT_EQ(hello.GetString("rfilename"), "hello.txt");
  EXPECT_EQ(hello.Find("size")->AsInt(), 6);
  EXPECT_EQ(hello.GetString("blobId"), "ce013625030ba8dba906f756967f9e9ca394464a");
}

TEST(RepoInfo, SubdomainAndHostFollowTheHubsRule) {
  HubFixture hub;
  hub.CreateSpace("acme/My_Space.v2");
  const Json info = hub.Get("/api/spaces/acme/My_Space.v2?expand=subdomain&expand=host").json();
  EXPECT_EQ(info.GetString("subdomain"), "acme-my-space-v2");
  EXPECT_EQ(info.GetString("host"), "https://acme-my-space-v2.hf.space");
}

TEST(RepoInfo, ModelsAndDatasetsHaveNoRuntime) {
  HubFixture hub;
  hub.Post("/api/repos/create", R"({"name":"m"})");
  const Json info = hub.Get("/api/models/alice/m").json();
  EXPECT_EQ(info.Find("runtime"), nullptr);
  EXPECT_EQ(info.Find("sdk"), nullptr);
  EXPECT_EQ(hub.Get("/api/models/alice/m/runtime").status(), 404);
}

TEST(RepoInfo, ListSpacesFiltersByAuthorAndHidesOthersPrivateSpaces) {
  HubFixture hub;
  hub.CreateSpace("alice/a");
  hub.CreateSpace("alice/p", "docker", kAlice, R"(,"private":true)");
  hub.CreateSpace("bob/b", "docker", kBob);
  EXPECT_EQ(hub.Get("/api/spaces?author=alice", kBob).json().size(), 1u);
  EXPECT_EQ(hub.Get("/api/spaces?author=alice").json().size(), 2u);
  EXPECT_EQ(hub.Get("/api/spaces", "").json().size(), 2u);
}

TEST(RepoSettings, VisibilityCanBeChanged) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(hub.Send("PUT", "/api/spaces/alice/demo/settings", kAlice, R"({"private":true})").status(), 200);
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo", kBob).status(), 404);
  EXPECT_EQ(hub.Send("PUT", "/api/spaces/alice/demo/settings", kAlice, R"({"visibility":"public"})").status(), 200);
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo", kBob).status(), 200);
}

TEST(ValidateYaml, AnswersErrorsForInvalidFrontMatter) {
  HubFixture hub;
  const auto ok = hub.Post("/api/validate-yaml", R"({"content":"---\nsdk: docker\n---\n","repoType":"space"})");
  EXPECT_EQ(ok.status(), 200);
  EXPECT_EQ(ok.body(), R"({"errors":[],"warnings":[]})");
  const auto bad = hub.Post("/api/validate-yaml", R"({"content":"---\nsdk: [x\n---\n","repoType":"space"})");
  EXPECT_EQ(bad.status(), 400);
  EXPECT_EQ(bad.json().Find("errors")->size(), 1u);
}

TEST(Hardware, TheFlavorListNamesCpuBasicFirst) {
  HubFixture hub;
  const Json list = hub.Get("/api/spaces/hardware").json();
  ASSERT_GT(list.size(), 10u);
  EXPECT_EQ(list.At(0).GetString("name"), "cpu-basic");
  EXPECT_TRUE(list.At(0).Find("accelerator")->is_null());
}

}  // namespace
}  // namespace spaceport::hub_emulator
