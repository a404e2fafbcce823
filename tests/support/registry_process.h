// RegistryProcess: the real CNCF Distribution registry (Debian's `docker-registry`, 2.8) on a
// free 127.0.0.1 port, with filesystem storage in its own temp dir, for tests.
//
// Three modes, as oci-registry.md §6.2 and §6.8 configure them:
//  - kNone:     no auth;
//  - kHtpasswd: Basic auth against an htpasswd file made with `htpasswd -Bbn` (bcrypt is required);
//  - kToken:    Bearer tokens from a TokenServer (realm, issuer and rootcertbundle taken from it).
// Start() returns once GET /v2/ answers (200, or 401 with auth). The destructor stops the process
// by PID (SIGTERM, then SIGKILL after a grace period). Log() has the registry's output for failure
// messages. When docker-registry is not installed, Start fails telling to run scripts/setup —
// tests must fail, never skip into green.
//
//   support::TokenServer* tokens = …;
//   support::RegistryProcess::Options options;
//   options.auth = support::RegistryAuth::kToken;
//   options.token_server = tokens;
//   auto reg = support::RegistryProcess::Start(options);
//   ASSERT_TRUE(reg.ok()) << reg.status().ToString();
//   (*reg)->host();      // "127.0.0.1:40123", for image references and skopeo
//   (*reg)->endpoint();  // "http://127.0.0.1:40123"
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "support/token_server.h"

namespace spaceport::support {

enum class RegistryAuth { kNone, kHtpasswd, kToken };

class RegistryProcess {
 public:
  struct Options {
    RegistryAuth auth = RegistryAuth::kNone;
    std::string username = "ciuser";        // kHtpasswd
    std::string password = "s3cret-pass";   // kHtpasswd
    TokenServer* token_server = nullptr;    // kToken (not owned; must outlive the registry)
    std::string service = "test-registry";  // kToken: the token `aud`
  };

  static Result<std::unique_ptr<RegistryProcess>> Start(Options options);
  ~RegistryProcess();

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string endpoint() const { return "http://" + host(); }
  int port() const { return port_; }
  const Options& options() const { return options_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  std::string Log() const { return process_ ? process_->Log() : ""; }
  // Stops the registry now (the destructor does it otherwise).
  void Stop();

 private:
  explicit RegistryProcess(Options options)
      : options_(std::move(options)), dir_("spaceport-registry") {}

  Options options_;
  TempDir dir_;
  int port_ = 0;
  std::optional<ChildProcess> process_;
};

// A free TCP port on 127.0.0.1 (bound, read, released: a small race is accepted in tests).
int PickFreePort();

}  // namespace spaceport::support
