// HubEmulator: an in-memory Hugging Face Hub for tests, speaking the Hub's HTTP API on loopback
// closely enough that the official @huggingface/hub client works against it
// (tests/hub-fidelity) and Spaceport's own Hub client can be tested offline.
//
// It emulates: tokens and whoami-v2; repos (Spaces, and models/datasets as far as the file APIs
// go) with git-like commits, 40-hex ids and parentCommit checks; preupload, the NDJSON commit
// API, resolve/raw with ETag, X-Repo-Commit and Range, tree and paths-info listings; Space
// variables, secrets (write-only), hardware, sleep time, pause, restart; a runtime stage machine
// on the injected Clock whose builds check the Dockerfile's FROM images in a real registry;
// build/run logs over SSE; per-token request budgets answering 429 with Retry-After and
// RateLimit headers; fault switches; and the control API (/__emulator/..., docs/hub-emulator.md)
// for statistics and out-of-band edits. What it does not emulate is listed in that document.
//
// Requests can be served over HTTP (Listen) or handed in directly (Handle), which is how unit
// tests drive it on a FakeClock. Time only moves when the Clock does; call WaitForBuildChecks()
// before advancing a FakeClock past a build so the registry check has reported.
//
//   FakeClock clock;
//   Options options;
//   options.tokens.push_back({"hf_alice", "alice"});
//   HubEmulator hub(options, clock);
//   if (Status s = hub.Listen(); !s.ok()) return s;
//   // HF_ENDPOINT=hub.base_url(), HF_TOKEN=hf_alice
//   hub.Control("POST", "/__emulator/spaces/alice/demo/pause");   // out-of-band edit
//
// Thread-safe: requests are served concurrently; all state sits behind one mutex.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/json.h"
#include "base/status.h"
#include "emulators/hub/faults.h"
#include "emulators/hub/image_probe.h"
#include "emulators/hub/options.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

class HubState;

class HubEmulator {
 public:
  // `probe` decides whether FROM images exist; null = a RegistryImageProbe over a real HTTP
  // transport, configured from options.registry_map / registry_credentials / unmapped_registry.
  HubEmulator(Options options, Clock& clock, std::unique_ptr<ImageProbe> probe = nullptr);
  ~HubEmulator();
  HubEmulator(const HubEmulator&) = delete;
  HubEmulator& operator=(const HubEmulator&) = delete;

  // Starts serving on address:port (0 = a free port); URLs in responses then use base_url().
  Status Listen(const std::string& address = "127.0.0.1", int port = 0);
  std::string base_url() const;
  void Stop();  // idempotent; the state stays readable

  // Serves one request in process, exactly as the server would.
  http::Response Handle(const http::Server::IncomingRequest& request);

  // The control API from C++: runs a /__emulator/ request and returns its JSON answer, or a
  // Status carrying the error message. Examples:
  //   Control("GET", "/__emulator/stats")
  //   Control("POST", "/__emulator/faults", R"({"path_regex":"/runtime$","status":503,"count":2})")
  //   Control("POST", "/__emulator/spaces/alice/demo/commit", R"({"files":{"Dockerfile":"FROM x"}})")
  Result<Json> Control(const std::string& method, const std::string& path, const std::string& body = "");
  Result<int> AddFault(FaultRule rule);

  void WaitForBuildChecks();

 private:
  std::unique_ptr<HubState> state_;
  std::unique_ptr<http::Server> server_;
  int64_t next_request_id_ = 0;  // under the state's mutex
};

}  // namespace spaceport::hub_emulator
