// EmulatorProcess: an emulator program (hub-emulator, github-emulator) on a free loopback port,
// and a client for its control API (/__emulator/…).
//
// End-to-end tests talk to the emulators the way `spaceport` does, over HTTP, so they run the
// programs rather than the libraries. Launch() returns once the program has printed
// `listening on http://127.0.0.1:PORT`; the destructor stops it by PID (SIGTERM, then SIGKILL).
// The programs run with --verbose, so Log() holds one line per request for failure messages. The
// control calls return the parsed JSON answer, or an error naming the status and body.
// HubEmulatorProcess and GithubEmulatorProcess only add each program's flags.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "http/http.h"
#include "support/process.h"

namespace spaceport::e2e {

class EmulatorProcess {
 public:
  virtual ~EmulatorProcess() = default;

  const std::string& base_url() const { return base_url_; }
  std::string Log() const { return process_ ? process_->Log() : std::string(); }

  // One control request; the answer's JSON when it is 2xx.
  Result<Json> Control(const std::string& method, const std::string& path,
                       const std::string& body = "") {
    http::Request request;
    request.method = method;
    request.url = base_url_ + path;
    request.body = body;
    if (!body.empty()) request.headers.Add("Content-Type", "application/json");
    Result<http::Response> response = transport_->Send(request);
    if (!response.ok()) return response.status();
    if (response->status < 200 || response->status > 299) {
      return FailedPrecondition(method + " " + path + " answered " +
                                std::to_string(response->status) + ": " + response->body);
    }
    return Json::Parse(response->body);
  }

 protected:
  EmulatorProcess() : transport_(http::MakeTransport({})) {}

  // Starts argv (argv[0] is the program, named `name` in messages) into `self` and waits up to
  // 10 s for its address.
  static Status Launch(EmulatorProcess& self, const std::string& name,
                       const std::vector<std::string>& argv,
                       const std::filesystem::path& log_file) {
    Result<support::ChildProcess> child = support::ChildProcess::Start(argv, log_file);
    if (!child.ok()) return child.status();
    self.process_.emplace(std::move(*child));
    const std::string marker = "listening on ";
    for (int i = 0; i < 1000; ++i) {  // up to 10 s
      const std::string log = self.process_->Log();
      if (const size_t at = log.find(marker); at != std::string::npos) {
        const size_t end = log.find('\n', at);
        if (end != std::string::npos) {
          self.base_url_ = log.substr(at + marker.size(), end - at - marker.size());
          return Status::Ok();
        }
      }
      if (!self.process_->Running())
        return Status(StatusCode::kUnavailable, name + " exited:\n" + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status(StatusCode::kDeadlineExceeded,
                  name + " printed no address within 10 s:\n" + self.process_->Log());
  }

 private:
  std::optional<support::ChildProcess> process_;  // set by Launch
  std::unique_ptr<http::Transport> transport_;
  std::string base_url_;
};

}  // namespace spaceport::e2e
