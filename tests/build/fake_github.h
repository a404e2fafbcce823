// A scripted http::Transport standing in for api.github.com in unit tests.
//
// Expect() queues one exchange: the request line it must be ("METHOD /path?query", the origin
// https://api.github.test dropped) and the response to give. A request that does not match, or
// comes after the script ran out, is answered 599 and listed in mismatches(), so a client that
// sends one request too many (a second dispatch!) fails the test with the exact line.
//
//   FakeGithub gh;
//   gh.Expect("POST /repos/alice/app/actions/workflows/docker.yml/dispatches", Reply(204));
//   ... client calls ...
//   EXPECT_THAT(gh.mismatches(), IsEmpty());
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "http/http.h"

namespace spaceport::build_testing {

inline constexpr const char* kApi = "https://api.github.test";

inline http::Response Reply(int status, std::string body = "", http::Headers headers = {}) {
  return http::Response{status, std::move(headers), std::move(body)};
}

class FakeGithub final : public http::Transport {
 public:
  FakeGithub& Expect(std::string line, http::Response response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back({std::move(line), std::move(response)});
    return *this;
  }

  Result<http::Response> Send(const http::Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    const std::string line = LineOf(request);
    if (script_.empty()) {
      mismatches_.push_back("unexpected (script exhausted): " + line);
      return Reply(599, "script exhausted");
    }
    Step step = std::move(script_.front());
    script_.pop_front();
    if (step.line != line) {
      mismatches_.push_back("expected " + step.line + ", got " + line);
      return Reply(599, "unexpected request");
    }
    return step.response;
  }

  std::vector<http::Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
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
    if (url.ok() && url->Origin() != kApi) target = url->Origin() + target;
    return r.method + " " + target;
  }

 private:
  struct Step {
    std::string line;
    http::Response response;
  };
  mutable std::mutex mu_;
  std::deque<Step> script_;
  std::vector<http::Request> requests_;
  std::vector<std::string> mismatches_;
};

// A workflow run as GitHub lists it.
inline std::string RunJson(int64_t id, const std::string& title, const std::string& status = "queued",
                           const std::string& conclusion = "",
                           const std::string& created_at = "2026-01-01T00:00:00Z") {
  std::string c = conclusion.empty() ? "null" : "\"" + conclusion + "\"";
  return "{\"id\":" + std::to_string(id) + ",\"name\":\"docker\",\"display_title\":\"" + title +
         "\",\"event\":\"workflow_dispatch\",\"status\":\"" + status + "\",\"conclusion\":" + c +
         ",\"html_url\":\"https://github.test/alice/app/actions/runs/" + std::to_string(id) +
         "\",\"created_at\":\"" + created_at + "\",\"head_branch\":\"main\"}";
}

inline std::string RunsPage(const std::vector<std::string>& runs, int total = -1) {
  std::string items;
  for (const std::string& r : runs) items += (items.empty() ? "" : ",") + r;
  return "{\"total_count\":" + std::to_string(total < 0 ? static_cast<int>(runs.size()) : total) +
         ",\"workflow_runs\":[" + items + "]}";
}

}  // namespace spaceport::build_testing
