// A scripted http::Transport for RegistryClient unit tests.
//
// Each Expect() queues one exchange: the request it must be (method and the URL's path and
// query, from the origin on) and the response to give. A request that does not match, or comes
// after the script ran out, is answered 599 and remembered in mismatches(), so a test that sends
// one request too many — say, after a digest mismatch — fails with the exact line. Lines() lists
// what was sent as "METHOD /path?query", the form tests compare against.
//
//   FakeTransport t;
//   t.Expect("GET /v2/owner/app/manifests/v1", Reply(200, body, {{"Content-Type", kOciManifest}}));
//   … client calls …
//   EXPECT_THAT(t.Lines(), ElementsAre("GET /v2/owner/app/manifests/v1"));
//   EXPECT_THAT(t.mismatches(), IsEmpty());
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "http/http.h"

namespace spaceport::oci::testing {

inline http::Response Reply(int status, std::string body = "", http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

class FakeTransport final : public http::Transport {
 public:
  // `line` is "METHOD /path?query"; a trailing '*' matches any rest (e.g. a random upload id).
  FakeTransport& Expect(std::string line, http::Response response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back({std::move(line), std::move(response)});
    return *this;
  }

  Result<http::Response> Send(const http::Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    std::string line = LineOf(request);
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

  // "GET /v2/x?y" from a request (the origin dropped unless it differs from the registry's).
  static std::string LineOf(const http::Request& r) {
    auto url = http::Url::Parse(r.url);
    std::string target = url.ok() ? url->path_and_query : r.url;
    if (url.ok() && url->Origin() != "http://registry.test" &&
        url->Origin() != "https://registry.test") {
      target = url->Origin() + target;
    }
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

  mutable std::mutex mu_;
  std::deque<Step> script_;
  std::vector<http::Request> requests_;
  std::vector<std::string> mismatches_;
};

}  // namespace spaceport::oci::testing
