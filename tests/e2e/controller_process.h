// ControllerProcess: `spaceport run` as a background process for end-to-end tests of the
// long-running controller, with a client for its HTTP API.
//
// Start() launches the binary with the arguments given plus `--listen 127.0.0.1:PORT` on a free
// port, and returns once /healthz answers (or the process died, or 20 s passed). The process
// inherits the test's environment: tests set what it needs (HF_TOKEN_E2E, DEMO_API_KEY,
// SPACEPORT_HUB_WEBHOOK_SECRET, ...) with setenv before starting it — ctest runs every test in
// its own process, so nothing leaks between tests. Output (JSON log lines) goes to a log file.
//
//   auto c = ControllerProcess::Start({"run", desired.string(), "--config", config}, dir / "run.log");
//   ASSERT_TRUE(c.ok()) << c.status().ToString();
//   ASSERT_TRUE((*c)->WaitReady(std::chrono::seconds(60)));
//   Result<http::Response> m = (*c)->Get("/metrics");
//   int code = (*c)->Terminate();            // SIGTERM; the exit code (or 128+signal)
//   (*c)->Kill();                            // SIGKILL, for crash tests
#pragma once

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "http/free_port.h"
#include "http/http.h"
#include "support/process.h"

namespace spaceport::e2e {

class ControllerProcess {
 public:
  static Result<std::unique_ptr<ControllerProcess>> Start(std::vector<std::string> args,
                                                          const std::filesystem::path& log_file) {
    auto port = http::PickFreePort("127.0.0.1");
    if (!port.ok()) return port.status();
    std::unique_ptr<ControllerProcess> self(new ControllerProcess());
    self->base_url_ = "http://127.0.0.1:" + std::to_string(*port);
    args.insert(args.begin(), SPACEPORT_BIN);
    args.push_back("--listen");
    args.push_back("127.0.0.1:" + std::to_string(*port));
    Result<support::ChildProcess> child = support::ChildProcess::Start(args, log_file);
    if (!child.ok()) return child.status();
    self->process_.emplace(std::move(*child));
    for (int i = 0; i < 400; ++i) {  // up to 20 s
      auto health = self->Get("/healthz");
      if (health.ok() && health->status == 200) return self;
      if (!self->process_->Running())
        return Status(StatusCode::kUnavailable, "spaceport run exited:\n" + self->Log());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status(StatusCode::kDeadlineExceeded, "spaceport run did not serve /healthz within 20 s:\n" + self->Log());
  }

  const std::string& base_url() const { return base_url_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string Log() const { return process_ ? process_->Log() : std::string(); }
  bool Running() { return process_ && process_->Running(); }

  Result<http::Response> Get(const std::string& path) {
    http::Request request;
    request.url = base_url_ + path;
    request.timeout = std::chrono::milliseconds(5000);
    return transport_->Send(request);
  }
  Result<http::Response> Post(const std::string& path, const std::string& body, http::Headers headers) {
    http::Request request;
    request.method = "POST";
    request.url = base_url_ + path;
    request.body = body;
    request.headers = std::move(headers);
    request.timeout = std::chrono::milliseconds(5000);
    return transport_->Send(request);
  }

  // Polls /readyz until 200; false after `limit`.
  bool WaitReady(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      auto ready = Get("/readyz");
      if (ready.ok() && ready->status == 200) return true;
      if (!Running()) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // SIGTERM and wait up to `limit` for the exit. Returns the exit code, 128+N when killed by
  // signal N, or -1 when it did not exit in time (it is then killed).
  int Terminate(std::chrono::seconds limit = std::chrono::seconds(30)) { return Signal(SIGTERM, limit); }
  // SIGKILL, reaped.
  void Kill() { (void)Signal(SIGKILL, std::chrono::seconds(10)); }

 private:
  ControllerProcess() : transport_(http::MakeTransport({})) {}

  int Signal(int sig, std::chrono::seconds limit) {
    if (!process_) return -1;
    std::optional<int> code = process_->SignalAndWait(sig, limit);
    if (!code) process_->Stop(std::chrono::milliseconds(100));  // still running: force it
    process_.reset();
    return code.value_or(-1);
  }

  std::string base_url_;
  std::optional<support::ChildProcess> process_;
  std::unique_ptr<http::Transport> transport_;
};

}  // namespace spaceport::e2e
