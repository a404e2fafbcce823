// KubeApiServer: a real kube-apiserver (v1.20.2, built from Debian's own `kubernetes` source
// package by scripts/kube-tools and cached outside the repository) with a real etcd (Debian's
// etcd-server 3.4), both on free loopback ports in a temporary directory, for tests of
// Kubernetes mode. It is the offline stand-in for controller-runtime's envtest.
//
// The apiserver serves HTTPS with a self-signed certificate (ca_file() trusts it), authenticates
// static bearer tokens (admin_token() is in system:masters; AddUser adds restricted users before
// Start) and client certificates signed by client_ca (client_cert_file()/client_key_file() are
// issued for the user "cert-user" in system:masters), authorizes with RBAC, and signs service
// account tokens (TokenRequest works). There is no kubelet, scheduler or controller-manager: Pods
// and Jobs never run, and namespaces are never garbage-collected.
//
// Start() returns once /readyz answers. Restart() stops and starts the apiserver on the same port
// and etcd (a watch in flight is cut); Compact() compacts etcd at its current revision, so a watch
// from an older resourceVersion gets 410 Gone. The destructor stops both by PID.
//
// Missing binaries fail Start with a message naming scripts/setup (tests never skip into green).
// The binary is found at $SPACEPORT_KUBE_APISERVER, else
// ${SPACEPORT_CACHE:-/var/cache/spaceport}/kube-apiserver-v1.20.2/bin/kube-apiserver.
//
//   auto api = support::KubeApiServer::Shared();   // one per test process, started on first use
//   ASSERT_TRUE(api.ok()) << api.status().ToString();
//   auto out = (*api)->Kubectl({"apply", "-f", crd_path});
//   (*api)->kubeconfig();   // a kubeconfig file: server, CA, admin token
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace spaceport::support {

class KubeApiServer {
 public:
  struct User {
    std::string name;
    std::string token;
    std::vector<std::string> groups;
  };
  struct Options {
    std::vector<User> users;  // extra static-token users (no groups: RBAC decides everything)
  };

  static Result<std::unique_ptr<KubeApiServer>> Start(Options options = {});
  // One apiserver per test process, started on first use with default options; never stopped
  // before exit. Tests sharing it use their own namespaces.
  static Result<KubeApiServer*> Shared();
  ~KubeApiServer();

  std::string url() const;            // https://127.0.0.1:PORT
  std::string ca_file() const;        // PEM that verifies the serving certificate
  std::string admin_token() const { return "admin-token-for-tests"; }
  std::string kubeconfig() const;     // admin kubeconfig (CA + token)
  std::string client_cert_file() const;  // PEM certificate of "cert-user" (system:masters)
  std::string client_key_file() const;
  const std::filesystem::path& dir() const { return dir_.path(); }

  // Writes a kubeconfig for `token` (CA verified) and returns its path.
  std::string KubeconfigFor(const std::string& name, const std::string& token) const;

  // Runs kubectl with the admin kubeconfig and a private discovery cache.
  CommandResult Kubectl(const std::vector<std::string>& args) const;
  // kubectl apply -f - with `yaml` on stdin (admin).
  CommandResult Apply(const std::string& yaml) const;
  // Applies crds/spaceport.dev_spacedeployments.yaml and waits until it is Established.
  Status InstallCrd() const;
  // Creates namespace `name` (ok when it exists).
  Status CreateNamespace(const std::string& name) const;

  Status Restart();
  // Compacts etcd at its current revision; returns that revision.
  Result<int64_t> Compact() const;

  std::string ApiServerLog() const;

 private:
  explicit KubeApiServer(Options options) : options_(std::move(options)), dir_("spaceport-kube") {}
  Status StartEtcd();
  Status StartApiServer();
  Status WaitReady() const;

  Options options_;
  TempDir dir_;
  int etcd_port_ = 0;
  int etcd_peer_port_ = 0;
  int port_ = 0;
  std::optional<ChildProcess> etcd_;
  std::optional<ChildProcess> apiserver_;
};

// Path of kube-apiserver (see the header comment), or kFailedPrecondition naming scripts/setup.
Result<std::string> FindKubeApiServer();

}  // namespace spaceport::support
