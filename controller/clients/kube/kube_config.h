// Where the Kubernetes API server is and how Spaceport authenticates to it, found the way
// controller-runtime's GetConfig (over client-go's clientcmd) finds it, so that whatever makes
// kubectl and other controllers work makes Spaceport work too. The first of these that applies
// is used:
//   1. the --kubeconfig flag (the file must exist);
//   2. KUBECONFIG, a colon-separated list of files merged as client-go merges them: missing files
//      are skipped, and the first file that sets a value (current-context, or a cluster, user or
//      context of a given name) wins;
//   3. in a Pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT, with the service account's
//      token, ca.crt and namespace files;
//   4. $HOME/.kube/config.
// From a kubeconfig the context is --context, else current-context. Supported credentials are a
// static token, a tokenFile, and a client certificate and key (inline base64 data or files;
// relative paths are resolved against the directory of the kubeconfig that names them). exec
// plugins, auth-providers and basic auth are refused with an error naming the user entry.
//
// Errors name what is missing and where it was looked for (file, context, user entry), never a
// token or a key. A token file is re-read at most once a minute when the token is used, because
// bound service account tokens are rotated by the kubelet.
//
//   ConfigOptions options;
//   options.kubeconfig = flags.kubeconfig;  // "" when not given
//   Result<ClusterConfig> cluster = LoadClusterConfig(options);
//   if (!cluster.ok()) return cluster.status();
//   auto transport = http::MakeTransport(cluster->ToTransportOptions());
//   Result<std::string> auth = cluster->BearerToken();  // "Bearer …" or "" (client cert / none)
//
// Note: cpprestsdk cannot connect to an IPv6 literal (cpp-stack.md §6), so an in-cluster IPv6
// service address is found here but not yet reachable through http/.
//
// ClusterConfig is a value; copies share the token file cache. BearerToken is thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/env.h"
#include "base/status.h"
#include "http/http.h"

namespace spaceport::kube {

struct TokenFileCache;  // the last token read from token_file, and when

struct ClusterConfig {
  std::string server;  // https://host:port[/path], without a trailing slash
  // PEM: certificate-authority-data, the certificate-authority file, or the in-cluster ca.crt.
  std::string ca_pem;
  bool insecure_skip_tls_verify = false;
  std::string token;       // a static bearer token; never printed
  std::string token_file;  // re-read while in use; when readable it wins over `token`
  std::string client_cert_pem;
  std::string client_key_pem;
  std::string namespace_;  // the context's namespace, the in-cluster namespace, or "default"
  // For messages: "in-cluster" or "kubeconfig PATH (context NAME)".
  std::string source;
  // Times the token file re-reads; tests inject a FakeClock. Must outlive the config.
  Clock* clock = &RealClock::Instance();

  http::TransportOptions ToTransportOptions() const;

  // The Authorization header value now: "Bearer TOKEN", or "" when the config has no token (a
  // client certificate or anonymous). token_file is re-read when the last read is a minute old;
  // if it cannot be read then, the last token read (else `token`) is used, as client-go does.
  // Fails only when no token was ever read from token_file and there is no static token.
  Result<std::string> BearerToken() const;

  // BearerToken's state (behind a mutex), shared by copies of this config; not for callers.
  std::shared_ptr<TokenFileCache> token_file_cache = MakeTokenFileCache();
  static std::shared_ptr<TokenFileCache> MakeTokenFileCache();
};

// Reads one environment variable; injected so tests never touch the process environment.
using spaceport::EnvLookup;  // base/env.h

struct ConfigOptions {
  std::string kubeconfig;  // the --kubeconfig flag; "" when not given
  // The --context flag; "" for the kubeconfig's current-context. Not used in-cluster (as in
  // controller-runtime).
  std::string context;
  // KUBECONFIG, KUBERNETES_SERVICE_HOST/PORT, POD_NAMESPACE and HOME are read through it; empty
  // means the process environment.
  EnvLookup env;
  std::string in_cluster_dir = "/var/run/secrets/kubernetes.io/serviceaccount";
  Clock* clock = &RealClock::Instance();  // copied into the ClusterConfig
};

Result<ClusterConfig> LoadClusterConfig(const ConfigOptions& options);

}  // namespace spaceport::kube
