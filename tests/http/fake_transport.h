// A scripted Transport for Client tests: it answers with the queued outcomes in order and
// records every request it was asked to send (so tests can check headers per hop). When the
// script runs out it answers 599 so a test that sends too much fails loudly.
//
//   FakeTransport t;
//   t.Reply(503).Reply(200, "ok");
//   Client c(t, clock, {});  c.Send(req);  EXPECT_EQ(t.requests().size(), 2u);
#pragma once

#include <deque>
#include <mutex>

#include "http/http.h"

namespace spaceport::http::testing {

class FakeTransport final : public Transport {
 public:
  FakeTransport& Reply(int status, std::string body = "", Headers headers = {}) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(Response{status, std::move(headers), std::move(body)});
    return *this;
  }
  FakeTransport& Redirect(int status, std::string location) {
    return Reply(status, "", Headers{{"Location", std::move(location)}});
  }
  FakeTransport& Fail(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(status));
    return *this;
  }

  Result<Response> Send(const Request& request) override {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request);
    if (script_.empty()) return Response{599, {}, "script exhausted"};
    Result<Response> next = std::move(script_.front());
    script_.pop_front();
    return next;
  }

  std::vector<Request> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  mutable std::mutex mu_;
  std::deque<Result<Response>> script_;
  std::vector<Request> requests_;
};

}  // namespace spaceport::http::testing
