// How to reach one registry: where its API lives, whether plain HTTP is allowed, which CA to trust,
// and the credentials to present. The controller's config has one entry per registry host; an
// entry can also map a public host to a local one for development and tests:
//
//   oci::RegistryConfig local;
//   local.host = "ghcr.io";
//   local.endpoint = "http://127.0.0.1:5000";
//   local.insecure = true;  // ghcr.io/owner/app:v1 is now read from and pushed to the loopback
//   registry
//
// Plain http is refused unless `insecure` is set; `insecure` never disables TLS verification of an
// https endpoint (use `ca_bundle` for a private CA).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::oci {

// A username and a password or token. Never printed: `source` says where they came from so a
// message can point at it ("environment SPACEPORT_REGISTRY_GHCR_IO_*", "docker config /x.json").
struct Credentials {
  std::string username;
  std::string password;
  std::string source;
};

struct RegistryConfig {
  std::string host;       // as written in image references: "ghcr.io", "127.0.0.1:5000"
  std::string endpoint;   // base URL of the API; empty = "https://" + host
  bool insecure = false;  // allow plain http for this registry (and a token realm on its host)
  std::string ca_bundle;  // PEM file trusted instead of the system store; empty = system
  std::optional<Credentials> credentials;  // explicit credentials; see ResolveCredentials
  // The request rate allowed to the endpoint, shared by every worker (http/token_bucket.h);
  // argocd-image-updater's default. requests_per_second 0 = unlimited.
  double requests_per_second = 20;
  int burst = 40;

  // The endpoint with defaults applied and no trailing '/': "https://ghcr.io".
  std::string BaseUrl() const;
  // Checks the endpoint is an absolute http(s) URL without path, and http only when insecure.
  Status Validate() const;
};

}  // namespace spaceport::oci
