// clients/kube in process, over support::FakeKubeApi and scripted transports: error mapping, watch
// decoding (events one by one, ERROR 410 as kExpired, partial lines), paging, and that no token
// reaches a message.
#include "clients/kube/kube_client.h"

#include <gtest/gtest.h>

#include <deque>

#include "support/fake_kube_api.h"

namespace spaceport::kube {
namespace {

// Answers each request with the next scripted response; streams the body in given pieces.
class ScriptedTransport final : public http::Transport {
 public:
  struct Answer {
    int status = 200;
    std::vector<std::string> pieces;  // the body, as the server sends it
  };
  void Add(Answer a) { answers_.push_back(std::move(a)); }
  Result<http::Response> Send(const http::Request& request) override {
    urls.push_back(request.url);
    if (answers_.empty()) return Status(StatusCode::kUnavailable, "no more answers");
    Answer a = answers_.front();
    answers_.pop_front();
    http::Response r;
    r.status = a.status;
    for (const std::string& piece : a.pieces) {
      if (request.on_body && a.status == 200) {
        if (!request.on_body(piece)) break;
      } else {
        r.body += piece;
      }
    }
    return r;
  }
  std::vector<std::string> urls;

 private:
  std::deque<Answer> answers_;
};

ClusterConfig Config() {
  ClusterConfig c;
  c.server = "https://api.test:6443";
  c.token = "canary-token-4f1e";
  return c;
}

TEST(KubeResourcePaths, CoreAndGroupResourcesAndAllNamespaces) {
  EXPECT_EQ(kSecrets.ObjectPath("team-a", "s"), "/api/v1/namespaces/team-a/secrets/s");
  EXPECT_EQ(kSpaceDeployments.CollectionPath(""), "/apis/spaceport.dev/v1alpha1/spacedeployments");
  EXPECT_EQ(kSpaceDeployments.ObjectPath("ns", "x", "status"),
            "/apis/spaceport.dev/v1alpha1/namespaces/ns/spacedeployments/x/status");
  EXPECT_EQ(kLeases.ApiVersion(), "coordination.k8s.io/v1");
}

TEST(KubeErrors, AForbiddenAnswerKeepsTheServersWordsAndMapsToPermissionDenied) {
  http::Response r;
  r.status = 403;
  r.body = R"({"kind":"Status","message":"secrets \"s\" is forbidden: User \"u\" cannot get resource \"secrets\"","code":403})";
  Status s = StatusFromKubeResponse(r, "get /api/v1/namespaces/a/secrets/s");
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_NE(s.message().find("cannot get resource \"secrets\""), std::string::npos) << s.message();
}

TEST(KubeErrors, GoneAndConflictAndRateLimitAreTyped) {
  http::Response r;
  r.status = 410;
  EXPECT_NE(StatusFromKubeResponse(r, "x").message().find("Gone"), std::string::npos);
  r.status = 409;
  EXPECT_EQ(StatusFromKubeResponse(r, "x").code(), StatusCode::kConflict);
  r.status = 429;
  EXPECT_EQ(StatusFromKubeResponse(r, "x").code(), StatusCode::kResourceExhausted);
  r.status = 401;
  EXPECT_EQ(StatusFromKubeResponse(r, "x").code(), StatusCode::kUnauthenticated);
}

TEST(KubeWatchDecoding, EachEventIsHandedOverWhenItsLineIsCompleteEvenAcrossPieces) {
  ScriptedTransport wire;
  wire.Add({200,
            {R"({"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"5"}}})" "\n"
             R"({"type":"MODI)",
             R"(FIED","object":{"metadata":{"name":"a","resourceVersion":"6"}}})" "\n",
             R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}})" "\n"}});
  KubeClient client(Config(), wire, RealClock::Instance());
  std::vector<std::string> seen;
  Status status;
  WatchOptions from4;
  from4.resource_version = "4";
  WatchEnd end = client.Watch(kSpaceDeployments, "ns", from4,
                              [&](const WatchEvent& e) {
                                seen.push_back(e.type + ":" + ResourceVersionOf(e.object));
                                return true;
                              },
                              &status);
  EXPECT_EQ(end, WatchEnd::kClosed) << status.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"ADDED:5", "MODIFIED:6", "BOOKMARK:9"}));
  ASSERT_EQ(wire.urls.size(), 1u);
  for (const char* part : {"watch=true", "resourceVersion=4", "allowWatchBookmarks=true", "timeoutSeconds=300"})
    EXPECT_NE(wire.urls[0].find(part), std::string::npos) << wire.urls[0];
}

TEST(KubeWatchDecoding, An410ErrorEventInsideA200EndsTheWatchAsExpired) {
  ScriptedTransport wire;
  wire.Add({200,
            {R"json({"type":"ERROR","object":{"kind":"Status","message":"too old resource version: 1 (205)","reason":"Expired","code":410}})json"
             "\n"}});
  KubeClient client(Config(), wire, RealClock::Instance());
  int events = 0;
  WatchOptions from1;
  from1.resource_version = "1";
  EXPECT_EQ(client.Watch(kSpaceDeployments, "", from1, [&](const WatchEvent&) {
    ++events;
    return true;
  }),
            WatchEnd::kExpired);
  EXPECT_EQ(events, 0);
}

TEST(KubeWatchDecoding, AnEventThatIsNotJsonFailsTheWatchWithoutTheToken) {
  ScriptedTransport wire;
  wire.Add({200, {"this is not json\n"}});
  KubeClient client(Config(), wire, RealClock::Instance());
  Status status;
  EXPECT_EQ(client.Watch(kSpaceDeployments, "ns", {}, [](const WatchEvent&) { return true; }, &status),
            WatchEnd::kFailed);
  EXPECT_EQ(status.message().find("canary-token"), std::string::npos);
}

TEST(KubeWatchDecoding, ACallbackReturningFalseStopsTheWatch) {
  ScriptedTransport wire;
  wire.Add({200, {R"({"type":"ADDED","object":{}})" "\n" R"({"type":"ADDED","object":{}})" "\n"}});
  KubeClient client(Config(), wire, RealClock::Instance());
  int events = 0;
  EXPECT_EQ(client.Watch(kSpaceDeployments, "ns", {}, [&](const WatchEvent&) { return ++events < 1; }),
            WatchEnd::kStopped);
  EXPECT_EQ(events, 1);
}

TEST(KubeLineSplitter, AnOverlongLineIsRefusedInsteadOfGrowingWithoutBound) {
  LineSplitter lines(16);
  EXPECT_TRUE(lines.Feed("0123456789").ok());
  EXPECT_EQ(lines.Feed("0123456789").status().code(), StatusCode::kResourceExhausted);
}

TEST(KubeList, PagesAreFollowedThroughContinueAndTheListVersionIsKept) {
  ScriptedTransport wire;
  wire.Add({200, {R"({"metadata":{"continue":"tok1","resourceVersion":"10"},"items":[{"metadata":{"name":"a"}}]})"}});
  wire.Add({200, {R"({"metadata":{"resourceVersion":"11"},"items":[{"metadata":{"name":"b"}}]})"}});
  KubeClient client(Config(), wire, RealClock::Instance());
  ListOptions sharded;
  sharded.label_selector = "shard=1";
  auto listed = client.List(kSpaceDeployments, "ns", sharded);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_EQ(NameOf(listed->items[1]), "b");
  EXPECT_EQ(listed->resource_version, "11");
  ASSERT_EQ(wire.urls.size(), 2u);
  EXPECT_NE(wire.urls[0].find("labelSelector=shard%3D1"), std::string::npos) << wire.urls[0];
  EXPECT_NE(wire.urls[1].find("continue=tok1"), std::string::npos) << wire.urls[1];
}

TEST(KubeWrites, AStaleUpdateIsAConflictAndAMergePatchSendsTheRightContentType) {
  support::FakeKubeApi api;
  KubeClient client(api.config(), api, RealClock::Instance());
  Json cm = Json::Object();
  Json meta = Json::Object();
  meta.Set("name", "c");
  cm.Set("metadata", std::move(meta));
  auto created = client.Create(Resource{"", "v1", "configmaps", true, "ConfigMap"}, "ns", cm);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  const std::string path = "/api/v1/namespaces/ns/configmaps/c";
  Json patch = Json::Object();
  patch.Set("data", Json::Object());
  ASSERT_TRUE(client.MergePatch(path, patch).ok());
  auto stale = client.Update(path, *created);  // carries the resourceVersion from before the patch
  EXPECT_EQ(stale.status().code(), StatusCode::kConflict) << stale.status().ToString();
  for (const auto& r : api.requests()) EXPECT_EQ(r.authorization, "Bearer fake-kube-token");
}

}  // namespace
}  // namespace spaceport::kube
