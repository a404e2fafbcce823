// ScriptedTransport: one scripted http::Transport for every client's unit tests (registry, Hub,
// GitHub). Each Expect() queues one exchange: the request it must be, written as the line
// "METHOD /path?query", and the response to give. The test's own upstream origin (or origins) is
// dropped from the line; any other origin is kept ("GET https://cdn.test/blob"), so a request that
// leaves for another host shows as such. A request that does not match, or comes after the script
// ran out, is answered 599 and remembered in mismatches(), so a client that sends one request too
// many (a second dispatch, a retry after a digest mismatch) fails the test with the exact line.
// Every request is recorded, with the clock reading at which it arrived when a clock is given,
// so budget tests can tell when a request went out.
//
//   support::ScriptedTransport t({"https://hub.test"});
//   t.Expect("GET /api/whoami-v2", support::Reply(200, R"({"name":"alice"})"));
//   … client calls …
//   EXPECT_THAT(t.Lines(), ElementsAre("GET /api/whoami-v2"));
//   EXPECT_THAT(t.mismatches(), IsEmpty());
//
// The per-suite names (oci's FakeTransport, hub's FakeHub, build's FakeGithub) are this class with
// their origin filled in.
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "http/http.h"

namespace spaceport::support {

inline http::Response Reply(int status, std::string body = "", http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

class ScriptedTransport : public http::Transport {
 public:
  // `own_origins`: the origins dropped from request lines (the upstream under test).
  explicit ScriptedTransport(std::vector<std::string> own_origins, const Clock* clock = nullptr)
      : own_origins_(std::move(own_origins)), clock_(clock) {}

  // `line` is "METHOD /path?query"; a trailing '*' matches any rest (e.g. a random upload id).
  ScriptedTransport& Expect(std::string line, http::Response response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back({std::move(line), std::move(response)});
    return *this;
  }

  Result<http::Response> Send(const http::Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (clock_) times_.push_back(clock_->Now());
    const std::string line = LineOf(request);
    if (script_.empty()) {
      mismatches_.push_back("unexpected (script exhausted): " + line);
      return Reply(599, "script exhausted");
    }
    Step step = std::move(script_.front());
    script_.pop_front();
    if (!Matches(step.line, line)) {
      mismatches_.push_back("expected " + step.line + ", got " + line);
      return Reply(599, "unexpected request");
    }
    return step.response;
  }

  std::vector<http::Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  http::Request last() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.empty() ? http::Request() : requests_.back();
  }
  std::vector<Clock::TimePoint> times() const {
    std::lock_guard<std::mutex> lock(mu_);
    return times_;
  }
  std::vector<std::string> Lines() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const http::Request& r : requests_) out.push_back(LineOf(r));
    return out;
  }
  std::vector<std::string> mismatches() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mismatches_;
  }
  size_t remaining() const {
    std::lock_guard<std::mutex> lock(mu_);
    return script_.size();
  }

  // "GET /v2/x?y" from a request; the origin is kept when it is not one of ours.
  std::string LineOf(const http::Request& r) const {
    auto url = http::Url::Parse(r.url);
    if (!url.ok()) return r.method + " " + r.url;
    std::string target = url->path_and_query;
    bool own = false;
    for (const std::string& origin : own_origins_) own = own || url->Origin() == origin;
    if (!own) target = url->Origin() + target;
    return r.method + " " + target;
  }

 private:
  struct Step {
    std::string line;
    http::Response response;
  };
  static bool Matches(const std::string& pattern, const std::string& line) {
    if (!pattern.empty() && pattern.back() == '*')
      return line.rfind(pattern.substr(0, pattern.size() - 1), 0) == 0;
    return pattern == line;
  }

  const std::vector<std::string> own_origins_;
  const Clock* clock_;
  mutable std::mutex mu_;
  std::deque<Step> script_;
  std::vector<http::Request> requests_;
  std::vector<Clock::TimePoint> times_;
  std::vector<std::string> mismatches_;
};

}  // namespace spaceport::support
