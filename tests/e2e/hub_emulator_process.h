// HubEmulatorProcess: the `hub-emulator` program (HUB_EMULATOR_BIN) on a free loopback port, and
// a client for its control API (/__emulator/…, docs/hub-emulator.md).
//
// End-to-end tests talk to the emulator the way `spaceport` does, over HTTP, so they run the
// program rather than the library. Start() returns once the program has printed
// `listening on http://127.0.0.1:PORT`; the destructor stops it by PID (SIGTERM, then SIGKILL).
// It runs with --verbose, so Log() holds one line per Hub request for failure messages. The
// control calls return the parsed JSON answer, or an error naming the status and body.
//
//   HubEmulatorProcess::Options o;
//   o.registry_map = "ghcr.io=" + registry.endpoint();
//   auto hub = HubEmulatorProcess::Start(o, dir.path() / "hub.log");
//   ASSERT_TRUE(hub.ok()) << hub.status().ToString();
//   Result<Json> space = (*hub)->Control("GET", "/__emulator/spaces/acme/demo");
//   Result<Json> stats = (*hub)->Control("GET", "/__emulator/stats");
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

class HubEmulatorProcess {
 public:
  struct Options {
    std::string token = "hf_e2e:acme";  // TOKEN:USER[:ORGS]
    std::string registry_map;           // HOST=URL, or empty
    std::string build_seconds = "0.3";
    std::string start_seconds = "0.3";
  };

  static Result<std::unique_ptr<HubEmulatorProcess>> Start(const Options& options,
                                                           const std::filesystem::path& log_file) {
    std::vector<std::string> argv = {HUB_EMULATOR_BIN,
                                     "--port",
                                     "0",
                                     "--token",
                                     options.token,
                                     "--build-seconds",
                                     options.build_seconds,
                                     "--start-seconds",
                                     options.start_seconds,
                                     "--serve-apps",
                                     "--verbose"};
    if (!options.registry_map.empty()) {
      argv.push_back("--registry-map");
      argv.push_back(options.registry_map);
    }
    Result<support::ChildProcess> child = support::ChildProcess::Start(argv, log_file);
    if (!child.ok()) return child.status();
    std::unique_ptr<HubEmulatorProcess> hub(new HubEmulatorProcess(std::move(*child)));
    const std::string marker = "listening on ";
    for (int i = 0; i < 1000; ++i) {  // up to 10 s
      const std::string log = hub->process_.Log();
      if (const size_t at = log.find(marker); at != std::string::npos) {
        const size_t end = log.find('\n', at);
        if (end != std::string::npos) {
          hub->base_url_ = log.substr(at + marker.size(), end - at - marker.size());
          return hub;
        }
      }
      if (!hub->process_.Running())
        return Status(StatusCode::kUnavailable, "hub-emulator exited:\n" + log);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Status(StatusCode::kDeadlineExceeded,
                  "hub-emulator printed no address within 10 s:\n" + hub->process_.Log());
  }

  const std::string& base_url() const { return base_url_; }
  std::string Log() const { return process_.Log(); }

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

 private:
  explicit HubEmulatorProcess(support::ChildProcess process)
      : process_(std::move(process)), transport_(http::MakeTransport({})) {}

  support::ChildProcess process_;
  std::unique_ptr<http::Transport> transport_;
  std::string base_url_;
};

}  // namespace spaceport::e2e
