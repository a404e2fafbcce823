// Reading files: resolve/raw with ETag, X-Repo-Commit and Range; tree listings; paths-info.
#include <gtest/gtest.h>

#include "hub_fixture.h"

namespace spaceport::hub_emulator {
namespace {

using testing::HubFixture;
using testing::kAlice;

constexpr char kHello[] = "hello\n";
constexpr char kHelloEtag[] = "\"ce013625030ba8dba906f756967f9e9ca394464a\"";

class Files : public ::testing::Test {
 protected:
  void SetUp() override {
    hub.CreateSpace("alice/demo");
    hub.Commit("alice/demo", {{"hello.txt", kHello}, {"src/app.py", "print(1)\n"}, {"src/lib/util.py", "u\n"},
                              {"bin/tool", std::string("\x7f" "ELF\0\1", 6)}});
    head = hub.Head("alice/demo");
  }
  HubFixture hub;
  std::string head;
};

TEST_F(Files, ResolveServesTheBytesWithEtagRepoCommitAndAcceptRanges) {
  const auto r = hub.Get("/spaces/alice/demo/resolve/main/hello.txt");
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.body(), kHello);
  EXPECT_EQ(r.header("ETag"), kHelloEtag);
  EXPECT_EQ(r.header("X-Repo-Commit"), head);
  EXPECT_EQ(r.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(r.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/main/bin/tool").header("Content-Type"), "application/octet-stream");
  EXPECT_FALSE(r.response.headers.Has("X-Xet-Hash")) << "clients must not take the xet path";
}

TEST_F(Files, RawAndHeadAnswerLikeResolve) {
  const auto raw = hub.Get("/spaces/alice/demo/raw/main/src/app.py");
  EXPECT_EQ(raw.status(), 200);
  EXPECT_EQ(raw.body(), "print(1)\n");
  const auto head_reply = hub.Send("HEAD", "/spaces/alice/demo/raw/main/hello.txt");
  EXPECT_EQ(head_reply.status(), 200);
  EXPECT_EQ(head_reply.header("ETag"), kHelloEtag);
}

TEST_F(Files, RangesAnswer206WithContentRangeOr416) {
  struct Case {
    const char* range;
    int status;
    const char* content_range;
    const char* body;
  };
  for (const Case& c : {Case{"bytes=0-0", 206, "bytes 0-0/6", "h"}, Case{"bytes=1-3", 206, "bytes 1-3/6", "ell"},
                        Case{"bytes=2-", 206, "bytes 2-5/6", "llo\n"}, Case{"bytes=-2", 206, "bytes 4-5/6", "o\n"},
                        Case{"bytes=4-100", 206, "bytes 4-5/6", "o\n"}, Case{"bytes=6-", 416, "bytes */6", ""},
                        Case{"bytes=3-1", 200, "", kHello}, Case{"items=0-1", 200, "", kHello},
                        Case{"bytes=0-1,3-4", 200, "", kHello}}) {
    const auto r = hub.Get("/spaces/alice/demo/resolve/main/hello.txt", kAlice, {{"Range", c.range}});
    EXPECT_EQ(r.status(), c.status) << c.range;
    EXPECT_EQ(r.header("Content-Range"), c.content_range) << c.range;
    EXPECT_EQ(r.body(), c.body) << c.range;
  }
}

TEST_F(Files, AMatchingIfNoneMatchIs304) {
  const auto r = hub.Get("/spaces/alice/demo/resolve/main/hello.txt", kAlice, {{"If-None-Match", kHelloEtag}});
  EXPECT_EQ(r.status(), 304);
  EXPECT_EQ(r.body(), "");
}

TEST_F(Files, AMissingFileIs404EntryNotFoundWithTheCommit) {
  const auto r = hub.Get("/spaces/alice/demo/resolve/main/nope.txt");
  EXPECT_EQ(r.status(), 404);
  EXPECT_EQ(r.header("X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(r.header("X-Repo-Commit"), head);
  EXPECT_EQ(hub.Get("/spaces/alice/nope/resolve/main/a").header("X-Error-Code"), "RepoNotFound");
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/v2/hello.txt").header("X-Error-Code"), "RevisionNotFound");
}

TEST_F(Files, AnOlderCommitServesItsOwnContent) {
  hub.Commit("alice/demo", {{"hello.txt", "changed\n"}});
  EXPECT_EQ(hub.Get("/spaces/alice/demo/resolve/" + head + "/hello.txt").body(), kHello);
  const auto now = hub.Get("/spaces/alice/demo/resolve/main/hello.txt");
  EXPECT_EQ(now.body(), "changed\n");
  EXPECT_NE(now.header("X-Repo-Commit"), head);
}

TEST_F(Files, ModelAndDatasetFilesHaveTheirOwnUrlForms) {
  hub.Post("/api/repos/create", R"({"name":"m"})");
  hub.Commit("alice/m", {{"config.json", "{}"}}, {}, "", kAlice, "models");
  EXPECT_EQ(hub.Get("/alice/m/resolve/main/config.json").body(), "{}");
  EXPECT_EQ(hub.Get("/spaces/alice/m/resolve/main/config.json").status(), 404) << "not a Space";
}

std::vector<std::string> Paths(const Json& list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(list.At(i).GetString("type") + " " + list.At(i).GetString("path"));
  }
  return out;
}

TEST_F(Files, TreeListsOneLevelOrEverythingRecursively) {
  EXPECT_EQ(Paths(hub.Get("/api/spaces/alice/demo/tree/main?recursive=false&expand=false").json()),
            (std::vector<std::string>{"file .gitattributes", "file README.md", "directory bin", "file hello.txt",
                                      "directory src"}));
  EXPECT_EQ(Paths(hub.Get("/api/spaces/alice/demo/tree/main/src?recursive=true").json()),
            (std::vector<std::string>{"file src/app.py", "directory src/lib", "file src/lib/util.py"}));
  const Json top = hub.Get("/api/spaces/alice/demo/tree/main").json();
  const Json& hello = top.At(3);
  EXPECT_EQ(hello.Dump(), R"({"type":"file","oid":"ce013625030ba8dba906f756967f9e9ca394464a","size":6,"path":"hello.txt"})");
  EXPECT_EQ(top.At(4).Find("size")->AsInt(), 0);
  EXPECT_EQ(top.At(4).GetString("oid").size(), 40u);
}

TEST_F(Files, TreeOfAMissingFolderIs404) {
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/tree/main/nope").header("X-Error-Code"), "EntryNotFound");
  EXPECT_EQ(hub.Get("/api/spaces/alice/demo/tree/main/hello.txt").status(), 404);
}

TEST_F(Files, TreeWithExpandNamesTheLastCommitThatChangedEachEntry) {
  hub.clock.Advance(std::chrono::seconds(10));
  hub.Commit("alice/demo", {{"src/app.py", "print(2)\n"}});
  const std::string second = hub.Head("alice/demo");
  const Json top = hub.Get("/api/spaces/alice/demo/tree/main?expand=true").json();
  EXPECT_EQ(top.At(3).Find("lastCommit")->GetString("id"), head) << "hello.txt did not change";
  EXPECT_EQ(top.At(4).Find("lastCommit")->GetString("id"), second) << "src/ changed";
  EXPECT_EQ(top.At(4).Find("lastCommit")->GetString("date"), "2026-01-01T00:00:10.000Z");
  EXPECT_EQ(top.At(3).Find("securityFileStatus")->GetString("status"), "safe");
}

TEST_F(Files, TreePagesFollowTheLinkHeader) {
  Options options = testing::DefaultOptions();
  options.page_size = 2;
  HubFixture small(options);
  small.CreateSpace("alice/demo");
  small.Commit("alice/demo", {{"a", "a"}, {"b", "b"}, {"c", "c"}});
  const auto first = small.Get("/api/spaces/alice/demo/tree/main?recursive=true");
  EXPECT_EQ(first.json().size(), 2u);
  EXPECT_EQ(first.header("Link"),
            "<http://hub.test/api/spaces/alice/demo/tree/main?recursive=true&cursor=2>; rel=\"next\"");
  const auto last = small.Get("/api/spaces/alice/demo/tree/main?recursive=true&cursor=4");
  EXPECT_EQ(last.json().size(), 1u);
  EXPECT_EQ(last.header("Link"), "");
}

TEST_F(Files, PathsInfoAnswersKnownPathsFromJsonOrFormBodies) {
  const auto json = hub.Post("/api/spaces/alice/demo/paths-info/main",
                             R"({"paths":["hello.txt","nope","src/"],"expand":false})");
  EXPECT_EQ(Paths(json.json()), (std::vector<std::string>{"file hello.txt", "directory src"}));
  const auto form = hub.Send("POST", "/api/spaces/alice/demo/paths-info/main", kAlice,
                             "paths=hello.txt&paths=src%2Fapp.py&expand=True", "application/x-www-form-urlencoded");
  const Json list = form.json();
  EXPECT_EQ(Paths(list), (std::vector<std::string>{"file hello.txt", "file src/app.py"}));
  EXPECT_EQ(list.At(0).Find("lastCommit")->GetString("id"), head);
}

}  // namespace
}  // namespace spaceport::hub_emulator
