// FakeRegistry: a scripted registry on a loopback http::Server, for the failures the real registry
// cannot be made to produce (content that does not match its digest, a malformed manifest, 403,
// 429). Each Serve() fixes the answer to one "METHOD /path" (query ignored); anything unscripted
// gets 404 for reads and 500 for writes. Every request is recorded, so a test can assert that
// nothing was written after a failure.
//
//   auto fake = FakeRegistry::Start();
//   (*fake)->Serve("GET /v2/owner/app/manifests/v1", Answer(200, body, {{"Content-Type", type}}));
//   … publish against (*fake)->host() …
//   EXPECT_THAT((*fake)->Writes(), IsEmpty());
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "http/http.h"
#include "support/scripted_transport.h"

namespace spaceport::act::testing {

inline http::Response Answer(int status, std::string body = "", http::Headers headers = {}) {
  return support::Reply(status, std::move(body), std::move(headers));
}

// A registry error body: {"errors":[{"code":…,"message":…}]}.
inline std::string ErrorBody(const std::string& code, const std::string& message) {
  return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"("}]})";
}

class FakeRegistry {
 public:
  static Result<std::unique_ptr<FakeRegistry>> Start() {
    std::unique_ptr<FakeRegistry> fake(new FakeRegistry());
    FakeRegistry* raw = fake.get();
    auto server = http::StartServer(
        {}, [raw](const http::Server::IncomingRequest& r) { return raw->Handle(r); });
    if (!server.ok()) return server.status();
    fake->server_ = std::move(*server);
    return fake;
  }
  ~FakeRegistry() {
    if (server_) server_->Stop();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(server_->port()); }
  std::string endpoint() const { return server_->base_url(); }

  void Serve(const std::string& method_and_path, http::Response response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_[method_and_path] = std::move(response);
  }
  // "METHOD /path?query", in arrival order.
  std::vector<std::string> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // The requests that would change something: POST, PUT, PATCH, DELETE.
  std::vector<std::string> Writes() const {
    std::vector<std::string> out;
    for (const std::string& line : Requests()) {
      std::string method = line.substr(0, line.find(' '));
      if (method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE")
        out.push_back(line);
    }
    return out;
  }

 private:
  FakeRegistry() = default;

  http::Response Handle(const http::Server::IncomingRequest& r) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string key = r.method + " " + r.path;
    seen_.push_back(key + (r.query.empty() ? "" : "?" + r.query));
    if (auto it = script_.find(key); it != script_.end()) return it->second;
    bool read = r.method == "GET" || r.method == "HEAD";
    return Answer(read ? 404 : 500, ErrorBody(read ? "NAME_UNKNOWN" : "UNSUPPORTED", "unscripted"),
                  {{"Content-Type", "application/json"}});
  }

  mutable std::mutex mu_;
  std::map<std::string, http::Response> script_;
  std::vector<std::string> seen_;
  std::unique_ptr<http::Server> server_;  // last: stopped before the script goes away
};

}  // namespace spaceport::act::testing
