// A scripted http::Transport for HubClient unit tests, and small helpers around it.
//
// Each Expect() queues one exchange: the request it must be ("METHOD /path?query", with the
// origin dropped for https://hub.test and kept for any other host) and the response to give. A
// request that does not match, or comes after the script ran out, is answered 599 and
// remembered in mismatches(), so a test that sends one request too many fails with the exact
// line. Every request is recorded with the clock reading at which it arrived (when a clock is
// given), so budget tests can tell when a request went out.
//
//   FakeHub hub(&clock);
//   hub.Expect("GET /api/whoami-v2", Json200(R"({"name":"alice"})"));
//   … client calls …
//   EXPECT_THAT(hub.Lines(), ElementsAre("GET /api/whoami-v2"));
//   EXPECT_THAT(hub.mismatches(), IsEmpty());
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "clients/hub/hub_config.h"
#include "http/http.h"

namespace spaceport::hub::testing {

inline constexpr char kHubOrigin[] = "https://hub.test";
inline constexpr char kToken[] = "hf_TestTokenValue0123456789abcdef";

inline http::Response Reply(int status, std::string body = "", http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

inline http::Response Json200(std::string body) {
  return Reply(200, std::move(body), {{"Content-Type", "application/json; charset=utf-8"}});
}

// An error the way the Hub sends one: JSON body, X-Error-Code, X-Error-Message.
inline http::Response HubError(int status, std::string code, std::string message) {
  http::Headers h{{"Content-Type", "application/json; charset=utf-8"},
                  {"X-Request-Id", "Root=1-abc"}};
  if (!code.empty()) h.Add("X-Error-Code", code);
  if (!message.empty()) h.Add("X-Error-Message", message);
  return Reply(status, R"({"error":")" + message + R"("})", std::move(h));
}

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline HubConfig TestConfig(bool with_token = true) {
  HubConfig config;
  config.endpoint = kHubOrigin;
  if (with_token) config.token = HubToken{kToken, "HF_TOKEN"};
  return config;
}

class FakeHub final : public http::Transport {
 public:
  explicit FakeHub(const Clock* clock = nullptr) : clock_(clock) {}

  // `line` is "METHOD /path?query"; a trailing '*' matches any rest.
  FakeHub& Expect(std::string line, http::Response response) {
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

  static std::string LineOf(const http::Request& r) {
    auto url = http::Url::Parse(r.url);
    std::string target = url.ok() ? url->path_and_query : r.url;
    if (url.ok() && url->Origin() != kHubOrigin) target = url->Origin() + target;
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

  const Clock* clock_;
  mutable std::mutex mu_;
  std::deque<Step> script_;
  std::vector<http::Request> requests_;
  std::vector<Clock::TimePoint> times_;
  std::vector<std::string> mismatches_;
};

}  // namespace spaceport::hub::testing
