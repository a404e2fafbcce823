// InProcessTransport: an http::Transport that hands each request to a server handler in the same
// process, exactly as http::Server would present it (decoded path, raw query, headers, body), so a
// client can be tested against an emulator's router without sockets or threads — and, with the
// emulator on a FakeClock, without sleeping.
//
//   hub_emulator::HubEmulator hub(options, clock, probe);
//   support::InProcessTransport transport([&](const auto& in) { return hub.Handle(in); });
#pragma once

#include <utility>

#include "http/http.h"
#include "http/query.h"

namespace spaceport::support {

class InProcessTransport final : public http::Transport {
 public:
  explicit InProcessTransport(http::Server::Handler handler) : handler_(std::move(handler)) {}

  Result<http::Response> Send(const http::Request& request) override {
    Result<http::Url> url = http::Url::Parse(request.url);
    if (!url.ok()) return url.status();
    http::Server::IncomingRequest in;
    in.method = request.method;
    const std::string& target = url->path_and_query;
    const size_t q = target.find('?');
    in.path = http::UrlDecode(target.substr(0, q), false);
    if (q != std::string::npos) in.query = target.substr(q + 1);
    in.headers = request.headers;
    in.body = request.body;
    return handler_(in);
  }

 private:
  http::Server::Handler handler_;
};

}  // namespace spaceport::support
