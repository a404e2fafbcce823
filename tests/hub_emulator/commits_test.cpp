// Preupload, the NDJSON commit API (both clients' styles), parentCommit checks, commit lists.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;
using testing::kAlice;
using testing::kBob;
using testing::Reply;

constexpr char kHeader[] = R"({"key":"header","value":{"summary":"s"}})";

Reply RawCommit(HubFixture& hub, const std::string& body, const std::string& target = "/api/spaces/alice/demo/commit/main") {
  return hub.Send("POST", target, kAlice, body, "application/x-ndjson");
}

bool IsHex40(const std::string& s) {
  return s.size() == 40 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

TEST(Preupload, AnswersRegularForEveryFileWithTheOidOfExistingOnes) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  hub.Commit("alice/demo", {{"hello.txt", "hello\n"}});
  const auto r = hub.Post("/api/spaces/alice/demo/preupload/main",
                          R"({"files":[{"path":"hello.txt","size":6,"sample":"aGVsbG8K"},)"
                          R"({"path":"new.bin","size":3,"sample":"AAEC"}],"gitAttributes":"*.bin filter=lfs"})");
  ASSERT_EQ(r.status(), 200) << r.body();
  const Json json = r.json();
  EXPECT_EQ(json.GetString("commitOid"), hub.Head("alice/demo"));
  const Json& files = *json.Find("files");
  EXPECT_EQ(files.At(0).Dump(),
            R"({"path":"hello.txt","uploadMode":"regular","shouldIgnore":false,"oid":"ce013625030ba8dba906f756967f9e9ca394464a"})");
  EXPECT_EQ(files.At(1).Dump(), R"({"path":"new.bin","uploadMode":"regular","shouldIgnore":false})");
}

TEST(Commit, AnswersThe40HexIdAndItsUrlAndMovesTheHead) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const std::string before = hub.Head("alice/demo");
  const auto r = hub.Commit("alice/demo", {{"Dockerfile", "FROM busybox\n"}});
  ASSERT_EQ(r.status(), 200) << r.body();
  const Json json = r.json();
  EXPECT_TRUE(json.Find("success")->AsBool());
  const std::string id = json.GetString("commitOid");
  EXPECT_TRUE(IsHex40(id)) << id;
  EXPECT_NE(id, before);
  EXPECT_EQ(json.GetString("commitUrl"), "http://hub.test/spaces/alice/demo/commit/" + id);
  EXPECT_EQ(json.GetString("hookOutput"), "");
  EXPECT_EQ(hub.Head("alice/demo"), id);
}

TEST(Commit, BothClientsNdjsonStylesAreAccepted) {
  const std::string python =
      "{\"key\": \"header\", \"value\": {\"summary\": \"Upload a.txt\", \"description\": \"\"}}\n"
      "{\"key\": \"file\", \"value\": {\"content\": \"YQ==\", \"path\": \"a.txt\", \"encoding\": \"base64\"}}\n";
  const std::string js = R"({"key":"header","value":{"summary":"deploy"}})" "\n"
                         R"({"key":"file","value":{"content":"YQ==","path":"a.txt","encoding":"base64"}})";
  const std::string crlf_and_blank_lines =
      std::string(kHeader) + "\r\n\r\n" + R"({"key":"file","value":{"content":"a","path":"a.txt","encoding":"utf-8"}})" + "\r\n";
  for (const std::string& body : {python, js, crlf_and_blank_lines}) {
    HubFixture hub;
    hub.CreateSpace("alice/demo");
    ASSERT_EQ(RawCommit(hub, body).status(), 200) << body;
    EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/a.txt").body(), "a") << body;
  }
}

TEST(Commit, MalformedBodiesAre400AndChangeNothing) {
  const std::vector<std::string> bodies = {
      "",
      R"({"key":"file","value":{"content":"YQ==","path":"a.txt","encoding":"base64"}})",  // no header
      R"({"key":"header","value":{}})",                                                   // no summary
      std::string(kHeader) + "\n{not json",
      std::string(kHeader) + "\n" + R"({"key":"file","value":{"content":"*","path":"a.txt","encoding":"base64"}})",
      std::string(kHeader) + "\n" + R"({"key":"file","value":{"content":"a","path":"a.txt","encoding":"latin1"}})",
      std::string(kHeader) + "\n" + R"({"key":"lfsFile","value":{"path":"w.bin","algo":"sha256","oid":"00","size":1}})",
      std::string(kHeader) + "\n" + R"({"key":"rename","value":{"path":"a"}})",
      std::string(kHeader) + "\n" + kHeader,
      std::string(kHeader) + "\n" + R"({"key":"file","value":{"content":"a","path":"../a","encoding":"utf-8"}})",
      std::string(kHeader) + "\n" + R"({"key":"file","value":{"content":"a","path":".git/config","encoding":"utf-8"}})",
  };
  for (const std::string& body : bodies) {
    HubFixture hub;
    hub.CreateSpace("alice/demo");
    const std::string head = hub.Head("alice/demo");
    EXPECT_EQ(RawCommit(hub, body).status(), 400) << body;
    EXPECT_EQ(hub.Head("alice/demo"), head) << body;
  }
}

TEST(Commit, RegularFilesOver10MiBAreRefusedAsOnTheHub) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto r = hub.Commit("alice/demo", {{"big.txt", std::string(10 * 1024 * 1024 + 1, 'x')}});
  EXPECT_EQ(r.status(), 400);
  EXPECT_NE(r.json().GetString("error").find("larger than 10 MiB"), std::string::npos);
}

TEST(Commit, DeletionsRenamesAndFolderDeletionsApply) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  hub.Commit("alice/demo", {{"static/a.css", "a"}, {"static/img/b.png", "b"}, {"old.txt", "o"}, {"keep.txt", "k"}});
  const std::string body = std::string(kHeader) + "\n" +
                           R"({"key":"deletedFolder","value":{"path":"static/"}})" "\n" +
                           R"({"key":"file","value":{"content":"bmV3","path":"new.txt","encoding":"base64","oldPath":"old.txt"}})";
  ASSERT_EQ(RawCommit(hub, body).status(), 200);
  const Json info = hub.Get("/api/spaces/alice/demo?expand=siblings").json();
  std::vector<std::string> files;
  for (size_t i = 0; i < info.Find("siblings")->size(); ++i) files.push_back(info.Find("siblings")->At(i).GetString("rfilename"));
  EXPECT_EQ(files, (std::vector<std::string>{".gitattributes", "README.md", "keep.txt", "new.txt"}));
}

TEST(Commit, DeletingAMissingFileIs404EntryNotFound) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto r = hub.Commit("alice/demo", {}, {"nope.txt"});
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(r.header("X-Error-Code"), "EntryNotFound");
}

TEST(Commit, AnEmptyCommitIsAcceptedAndMakesANewCommit) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const std::string before = hub.Head("alice/demo");
  ASSERT_EQ(RawCommit(hub, kHeader).status(), 200);
  EXPECT_NE(hub.Head("alice/demo"), before);
}

TEST(Commit, ParentCommitMustBeTheHead) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const std::string first = hub.Head("alice/demo");
  ASSERT_EQ(hub.Commit("alice/demo", {{"a.txt", "1"}}, {}, first).status(), 200) << "the head, in full";
  const std::string second = hub.Head("alice/demo");
  ASSERT_EQ(hub.Commit("alice/demo", {{"a.txt", "2"}}, {}, second.substr(0, 7)).status(), 200) << "a 7-char prefix";
  const auto stale = hub.Commit("alice/demo", {{"a.txt", "3"}}, {}, first);
  EXPECT_EQ(stale.status(), 412);
  EXPECT_EQ(stale.json().GetString("error"), "A commit has happened since. Please refresh and try again.");
  EXPECT_EQ(hub.Commit("alice/demo", {{"a.txt", "3"}}, {}, std::string(40, 'f')).status(), 412) << "unknown parent";
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/a.txt").body(), "2");
}

TEST(Commit, OnlyTheMainBranchExistsAndPullRequestsAreRefused) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  const auto other = RawCommit(hub, kHeader, "/api/spaces/alice/demo/commit/dev");
  EXPECT_EQ(other.status(), 404);
  EXPECT_EQ(other.header("X-Error-Code"), "RevisionNotFound");
  EXPECT_EQ(RawCommit(hub, kHeader, "/api/spaces/alice/demo/commit/main?create_pr=1").status(), 400);
}

TEST(Commit, OnlyMembersCommitAndAnonymousCallersGet401) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  EXPECT_EQ(hub.Commit("alice/demo", {{"a", "a"}}, {}, "", kBob).status(), 403);
  EXPECT_EQ(hub.Commit("alice/demo", {{"a", "a"}}, {}, "", "").status(), 401);
  EXPECT_EQ(hub.Commit("alice/nope", {{"a", "a"}}).status(), 404);
}

TEST(Commit, SameRequestsAtTheSameTimesGiveTheSameIds) {
  auto run = [] {
    HubFixture hub;
    hub.CreateSpace("alice/demo");
    hub.clock.Advance(std::chrono::seconds(5));
    return hub.Commit("alice/demo", {{"Dockerfile", "FROM x\n"}}).json().GetString("commitOid");
  };
  EXPECT_EQ(run(), run());
}

TEST(Commit, ModelsAndDatasetsTakeCommitsToo) {
  HubFixture hub;
  hub.Post("/api/repos/create", R"({"name":"d","type":"dataset"})");
  ASSERT_EQ(hub.Commit("alice/d", {{"data.csv", "a,b\n"}}, {}, "", kAlice, "datasets").status(), 200);
  EXPECT_EQ(hub.Get("/datasets/alice/d/resolve/main/data.csv").body(), "a,b\n");
}

TEST(CommitList, ListsNewestFirstWithTitlesAuthorsAndDates) {
  HubFixture hub;
  hub.CreateSpace("alice/demo");
  hub.clock.Advance(std::chrono::seconds(60));
  const std::string body = R"({"key":"header","value":{"summary":"Deploy v1","description":"digest sha256:x"}})";
  ASSERT_EQ(RawCommit(hub, body).status(), 200);
  const auto r = hub.Get("/api/spaces/alice/demo/commits/main");
  const Json list = r.json();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.At(0).GetString("title"), "Deploy v1");
  EXPECT_EQ(list.At(0).GetString("message"), "digest sha256:x");
  EXPECT_EQ(list.At(0).GetString("date"), "2026-01-01T00:01:00.000Z");
  EXPECT_EQ(list.At(0).Find("authors")->At(0).GetString("user"), "alice");
  EXPECT_EQ(list.At(1).GetString("title"), "initial commit");
  EXPECT_EQ(r.header("X-Total-Count"), "2");
}

TEST(CommitList, PagesCarryAnAbsoluteNextLink) {
  Options options = testing::DefaultOptions();
  options.page_size = 2;
  HubFixture hub(options);
  hub.CreateSpace("alice/demo");
  for (int i = 0; i < 4; ++i) hub.Commit("alice/demo", {{"n.txt", std::to_string(i)}});
  std::string target = "/api/spaces/alice/demo/commits/main?limit=100";
  std::vector<std::string> ids;
  for (int page = 0; page < 10 && !target.empty(); ++page) {
    const auto r = hub.Get(target);
    for (size_t i = 0; i < r.json().size(); ++i) ids.push_back(r.json().At(i).GetString("id"));
    const std::string link = r.header("Link");
    target.clear();
    if (!link.empty()) {
      ASSERT_EQ(link.rfind("<http://hub.test/api/spaces/alice/demo/commits/main?", 0), 0u) << link;
      ASSERT_NE(link.find(">; rel=\"next\""), std::string::npos) << link;
      target = link.substr(std::string("<http://hub.test").size(), link.find('>') - std::string("<http://hub.test").size());
    }
  }
  EXPECT_EQ(ids.size(), 5u);
  EXPECT_EQ(ids.front(), hub.Head("alice/demo"));
}

}  // namespace
}  // namespace spaceport::hub_emulator
