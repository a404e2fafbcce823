// Feeds: arbitrary bytes as the body of a Kubernetes watch (newline-delimited JSON events) to
// kube::KubeClient::Watch through an in-process fake transport that streams the body in chunks
// (the first input byte picks the chunk size), so the real decoder runs: kube::LineSplitter, the
// per-line JSON parse, ERROR events (410 → kExpired, others → kFailed), the callback.
// Also feeds the body to a LineSplitter with a small max_line.
// Checks beyond "no crash": the events delivered and how the watch ends do not depend on the
// chunking (whole body vs small chunks); a kFailed end carries a non-OK Status; lines from the
// splitter are non-empty and newline-free, and their concatenation is the body without newlines
// when no line was too long.
#include <string>
#include <vector>

#include "base/clock.h"
#include "clients/kube/kube_client.h"
#include "support/fuzz_check.h"

namespace {
using namespace spaceport;

// Answers every request 200 and hands the body to on_body in `chunk`-byte pieces.
class StreamingTransport final : public http::Transport {
 public:
  StreamingTransport(std::string body, size_t chunk) : body_(std::move(body)), chunk_(chunk) {}
  Result<http::Response> Send(const http::Request& request) override {
    http::Response r;
    r.status = 200;
    if (!request.on_body) {
      r.body = body_;
      return r;
    }
    for (size_t at = 0; at < body_.size(); at += chunk_)
      if (!request.on_body(std::string_view(body_).substr(at, chunk_))) break;
    return r;
  }

 private:
  std::string body_;
  size_t chunk_;
};

struct Outcome {
  std::vector<std::string> events;  // type + " " + object dump
  kube::WatchEnd end;
  bool status_ok;
};

Outcome RunWatch(const std::string& body, size_t chunk) {
  FakeClock clock;
  StreamingTransport transport(body, chunk);
  kube::ClusterConfig config;
  config.server = "http://127.0.0.1:6443";
  config.token = "fuzz";
  config.clock = &clock;
  kube::KubeClient client(config, transport, clock);
  Outcome out{{}, kube::WatchEnd::kClosed, true};
  Status status;
  kube::Resource pods;
  pods.version = "v1";
  pods.plural = "pods";
  out.end = client.Watch(pods, "default", {}, [&](const kube::WatchEvent& e) {
    out.events.push_back(e.type + " " + e.object.Dump());
    return out.events.size() < 64;  // the owner stops after a while
  }, &status);
  out.status_ok = status.ok();
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 32;
  const std::string body(FuzzText(data + 1, size - 1));

  const Outcome whole = RunWatch(body, body.size() + 1);
  const Outcome pieces = RunWatch(body, chunk);
  FUZZ_CHECK(whole.events == pieces.events, "chunking does not change the events");
  FUZZ_CHECK(whole.end == pieces.end, "chunking does not change the end");
  if (whole.end == kube::WatchEnd::kFailed) FUZZ_CHECK(!whole.status_ok, "kFailed has a Status");

  kube::LineSplitter splitter(64);
  std::string joined;
  bool too_long = false;
  for (size_t at = 0; at < body.size() && !too_long; at += chunk) {
    Result<std::vector<std::string>> lines = splitter.Feed(std::string_view(body).substr(at, chunk));
    if (!lines.ok()) { too_long = true; break; }
    for (const std::string& line : *lines) {
      FUZZ_CHECK(!line.empty() && line.find('\n') == std::string::npos, "lines are non-empty, no newline");
      joined += line;
    }
  }
  if (!too_long) {
    std::string expected;
    const size_t last_nl = body.rfind('\n');
    if (last_nl != std::string::npos)
      for (size_t i = 0; i < last_nl; ++i) if (body[i] != '\n') expected += body[i];
    FUZZ_CHECK(joined == expected, "lines are the body up to its last newline");
  }
  return 0;
}
