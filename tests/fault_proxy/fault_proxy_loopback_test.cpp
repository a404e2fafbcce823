// support::FaultProxy on loopback, between the project's own http::Transport (what Spaceport's
// clients send with) and an http::Server upstream: each fault kind, as the client sees it and as
// the upstream sees it (did the request reach it?); "pass" streams request bodies (a 4 MiB blob
// upload) and never-ending responses (server-sent events) unchanged; forced decisions (an
// upstream that is down) and the stall-by-path rule; the same seed replays the same decisions;
// the program's --help and its refusal of bad rates.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/digest.h"
#include "http/http.h"
#include "http/response_stream.h"
#include "http/retry_after.h"
#include "support/fault_proxy.h"
#include "support/process.h"

namespace spaceport::support {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr size_t kBodySize = 10000;

// The upstream: GET /data (10,000 bytes), POST /echo (the body's size and SHA-256), GET /events
// (one event, then the stream stays open until the server stops). Counts what reached it.
class Upstream {
 public:
  Upstream() {
    http::Server::Options options;
    options.max_body_bytes = 8 * 1024 * 1024;
    auto server = http::StartServer(options, [this](const http::Server::IncomingRequest& req) {
      ++hits_;
      http::Response r;
      r.status = 200;
      if (req.path == "/echo") {
        r.body = std::to_string(req.body.size()) + " " + Sha256Hex(req.body);
      } else if (req.path == "/events") {
        auto stream = std::make_shared<http::ResponseStream>();
        stream->Write("data: first\n\n");
        r.headers.Set("Content-Type", "text/event-stream");
        r.stream = stream;
        std::lock_guard<std::mutex> lock(mu_);
        streams_.push_back(stream);
      } else {
        r.body = std::string(kBodySize, 'x');
      }
      return r;
    });
    EXPECT_TRUE(server.ok()) << server.status().ToString();
    if (server.ok()) server_ = std::move(*server);
  }
  ~Upstream() {
    if (server_) server_->Stop();
  }
  std::string url() const { return server_->base_url(); }
  int hits() const { return hits_.load(); }

 private:
  std::atomic<int> hits_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<http::ResponseStream>> streams_;
  std::unique_ptr<http::Server> server_;
};

std::unique_ptr<FaultProxy> StartProxy(const Upstream& upstream, const std::string& faults,
                                       uint64_t seed = 1) {
  FaultProxy::Options o;
  o.name = "test";
  o.upstream = upstream.url();
  o.seed = seed;
  o.rates = *ParseFaultRates(faults);
  o.latency = milliseconds(300);
  auto proxy = FaultProxy::Start(o);
  EXPECT_TRUE(proxy.ok()) << proxy.status().ToString();
  return proxy.ok() ? std::move(*proxy) : nullptr;
}

Result<http::Response> Get(const FaultProxy& proxy, const std::string& path,
                           milliseconds timeout = milliseconds(5000)) {
  http::Request r;
  r.url = proxy.base_url() + path;
  r.timeout = timeout;
  return http::MakeTransport({})->Send(r);
}

struct KindCase {
  std::string name;
  std::string faults;
  bool reaches_upstream;
  std::function<void(const Result<http::Response>&, double seconds)> check;
};

class EachFaultKind : public ::testing::TestWithParam<KindCase> {};

TEST_P(EachFaultKind, IsWhatTheClientAndTheUpstreamSee) {
  const KindCase& c = GetParam();
  Upstream upstream;
  auto proxy = StartProxy(upstream, c.faults);
  ASSERT_NE(proxy, nullptr);
  const auto start = steady_clock::now();
  Result<http::Response> r = Get(*proxy, "/data", milliseconds(1500));
  const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  c.check(r, seconds);
  proxy->Stop();  // ends a stall; the upstream's count is final after that
  EXPECT_EQ(upstream.hits(), c.reaches_upstream ? 1 : 0);
  const std::vector<FaultDecision> decisions = proxy->Decisions();
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].key, "GET /data");
  EXPECT_EQ(decisions[0].rule, "seed");
}

void ExpectStatus(const Result<http::Response>& r, int status) {
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, status);
  EXPECT_NE(r->body.find("fault-proxy: injected"), std::string::npos) << r->body;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, EachFaultKind,
    ::testing::Values(
        KindCase{"PassRelaysTheBodyUnchanged", "", true,
                 [](const Result<http::Response>& r, double) {
                   ASSERT_TRUE(r.ok()) << r.status().ToString();
                   EXPECT_EQ(r->status, 200);
                   EXPECT_EQ(r->body, std::string(kBodySize, 'x'));
                 }},
        KindCase{"Status500NeverReachesTheUpstream", "500=1", false,
                 [](const Result<http::Response>& r, double) { ExpectStatus(r, 500); }},
        KindCase{"Status502NeverReachesTheUpstream", "502=1", false,
                 [](const Result<http::Response>& r, double) { ExpectStatus(r, 502); }},
        KindCase{"Status503NeverReachesTheUpstream", "503=1", false,
                 [](const Result<http::Response>& r, double) { ExpectStatus(r, 503); }},
        KindCase{"TooManyRequestsSaysRetryAfterInSeconds", "429-seconds=1", false,
                 [](const Result<http::Response>& r, double) {
                   ExpectStatus(r, 429);
                   EXPECT_EQ(r->headers.Get("Retry-After").value_or(""), "1");
                 }},
        KindCase{"TooManyRequestsSaysRetryAfterAsAnHttpDate", "429-date=1", false,
                 [](const Result<http::Response>& r, double) {
                   ExpectStatus(r, 429);
                   const std::string value = r->headers.Get("Retry-After").value_or("");
                   EXPECT_TRUE(value.ends_with(" GMT")) << value;
                   auto wait = http::ParseRetryAfter(value, std::chrono::system_clock::now());
                   ASSERT_TRUE(wait.has_value()) << value;
                   EXPECT_GT(wait->count(), 0);
                   EXPECT_LE(wait->count(), 3000);
                 }},
        KindCase{"ResetBeforeHeadersFailsAndNothingReachesTheUpstream", "reset-before=1", false,
                 [](const Result<http::Response>& r, double) {
                   EXPECT_FALSE(r.ok()) << r->status;
                 }},
        KindCase{"ResetAfterHeadersFailsThoughTheUpstreamActed", "reset-after=1", true,
                 [](const Result<http::Response>& r, double) {
                   EXPECT_FALSE(r.ok() && r->body == std::string(kBodySize, 'x'));
                 }},
        KindCase{"StallRunsIntoTheClientsDeadline", "stall=1", false,
                 [](const Result<http::Response>& r, double seconds) {
                   ASSERT_FALSE(r.ok());
                   EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
                   EXPECT_GE(seconds, 1.4);
                 }},
        KindCase{"StallAfterHalfTheBodyRunsIntoTheClientsDeadline", "stall-half=1", true,
                 [](const Result<http::Response>& r, double seconds) {
                   ASSERT_FALSE(r.ok());
                   EXPECT_EQ(r.status().code(), StatusCode::kDeadlineExceeded) << r.status().ToString();
                   EXPECT_GE(seconds, 1.4);
                 }},
        KindCase{"TruncateNeverDeliversTheWholeBody", "truncate=1", true,
                 [](const Result<http::Response>& r, double) {
                   EXPECT_FALSE(r.ok() && r->body.size() == kBodySize)
                       << "the whole body arrived";
                 }},
        KindCase{"LatencyDelaysThenPasses", "latency=1", true,
                 [](const Result<http::Response>& r, double seconds) {
                   ASSERT_TRUE(r.ok()) << r.status().ToString();
                   EXPECT_EQ(r->body, std::string(kBodySize, 'x'));
                   EXPECT_GE(seconds, 0.3);
                 }}),
    [](const auto& p) { return p.param.name; });

TEST(FaultProxyPass, StreamsALargeRequestBodyUnchanged) {
  Upstream upstream;
  auto proxy = StartProxy(upstream, "");
  ASSERT_NE(proxy, nullptr);
  std::string blob(4 * 1024 * 1024, '\0');
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<char>((i * 131) % 251);
  http::Request r;
  r.method = "POST";
  r.url = proxy->base_url() + "/echo";
  r.body = blob;
  r.headers.Set("Content-Type", "application/octet-stream");
  auto response = http::MakeTransport({})->Send(r);
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->body, std::to_string(blob.size()) + " " + Sha256Hex(blob));
}

TEST(FaultProxyPass, RelaysServerSentEventsAsTheyComeWithoutWaitingForTheEnd) {
  Upstream upstream;
  auto proxy = StartProxy(upstream, "");
  ASSERT_NE(proxy, nullptr);
  std::string received;
  http::Request r;
  r.url = proxy->base_url() + "/events";
  r.timeout = milliseconds(10000);
  r.on_body = [&](std::string_view chunk) {
    received += chunk;
    return received.find("\n\n") == std::string::npos;  // stop after the first event
  };
  const auto start = steady_clock::now();
  auto response = http::MakeTransport({})->Send(r);
  const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  ASSERT_TRUE(response.ok()) << response.status().ToString();
  EXPECT_EQ(response->status, 200);
  EXPECT_NE((received + response->body).find("data: first"), std::string::npos);
  EXPECT_LT(seconds, 5) << "the event waited for the stream's end";
}

TEST(FaultProxyForced, EveryRequestMeetsTheForcedKindUntilItIsLifted) {
  Upstream upstream;
  auto proxy = StartProxy(upstream, "");
  ASSERT_NE(proxy, nullptr);
  proxy->SetForced(FaultKind::kStatus503);
  for (int i = 0; i < 3; ++i) {
    auto r = Get(*proxy, "/data");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 503);
  }
  proxy->SetForced(std::nullopt);
  auto r = Get(*proxy, "/data");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(upstream.hits(), 1);
  EXPECT_EQ(proxy->CountsByKind(), (std::map<std::string, int64_t>{{"503", 3}, {"pass", 1}}));
  EXPECT_EQ(proxy->Decisions()[0].rule, "forced");
}

TEST(FaultProxyStallPath, StallsOnlyMatchingPathsWhileOthersPass) {
  Upstream upstream;
  auto proxy = StartProxy(upstream, "");
  ASSERT_NE(proxy, nullptr);
  proxy->SetStallPath("^/slow/");
  std::thread stalled([&] {
    auto r = Get(*proxy, "/slow/x", milliseconds(2000));
    EXPECT_FALSE(r.ok());
  });
  const auto start = steady_clock::now();
  auto r = Get(*proxy, "/data");
  const double seconds = std::chrono::duration<double>(steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(seconds, 1.0);
  stalled.join();
  bool saw_rule = false;
  for (const FaultDecision& d : proxy->Decisions()) saw_rule = saw_rule || d.rule == "stall-path";
  EXPECT_TRUE(saw_rule);
}

TEST(FaultProxyReplay, TheSameSeedGivesTheSameDecisionsForTheSameRequests) {
  Upstream upstream;
  auto kinds = [&](uint64_t seed) {
    auto proxy = StartProxy(upstream, "5xx=0.3,429=0.2", seed);
    std::vector<std::string> out;
    for (int i = 0; i < 30; ++i) (void)Get(*proxy, "/data?i=" + std::to_string(i));
    for (const FaultDecision& d : proxy->Decisions()) out.emplace_back(FaultKindName(d.kind));
    return out;
  };
  const auto first = kinds(11);
  EXPECT_EQ(kinds(11), first);
  EXPECT_NE(kinds(12), first);
}

TEST(FaultProxyStart, RefusesAnUpstreamThatIsNotPlainHttp) {
  FaultProxy::Options o;
  o.upstream = "https://example.invalid";
  auto proxy = FaultProxy::Start(o);
  ASSERT_FALSE(proxy.ok());
  EXPECT_NE(proxy.status().message().find("expected http://HOST:PORT"), std::string::npos);
}

TEST(FaultProxyProgram, HelpNamesEveryFlag) {
  CommandResult r = RunCommand({FAULT_PROXY_BIN, "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* flag : {"--upstream", "--seed", "--faults", "--latency-ms", "--retry-after",
                           "--stall-path", "--port", "--name"})
    EXPECT_NE(r.output.find(flag), std::string::npos) << flag << "\n" << r.output;
}

TEST(FaultProxyProgram, RefusesBadRatesNamingTheEntry) {
  CommandResult r = RunCommand({FAULT_PROXY_BIN, "--upstream", "http://127.0.0.1:1", "--faults",
                                "503=0.5,teapot=0.1"});
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown kind \"teapot\""), std::string::npos) << r.output;
}

}  // namespace
}  // namespace spaceport::support
