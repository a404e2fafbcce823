#include "support/kube_apiserver.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <thread>

#include "support/registry_process.h"

namespace spaceport::support {
namespace {

namespace fs = std::filesystem;
constexpr auto kReadyTimeout = std::chrono::seconds(90);
constexpr char kVersion[] = "1.20.2";

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

Status Run(const std::vector<std::string>& argv, const std::string& what) {
  CommandResult r = RunCommand(argv);
  if (r.exit_code != 0) return Internal(what + " failed: " + r.output);
  return Status::Ok();
}

// A CA, a serving certificate for 127.0.0.1/localhost, and a client certificate for "cert-user"
// in system:masters, all made with the openssl CLI (no key material in the repository).
Status MakeCertificates(const fs::path& d) {
  const std::string p = d.string() + "/";
  if (Status s = Run({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                      "/CN=spaceport-test-ca", "-keyout", p + "ca.key", "-out", p + "ca.crt"},
                     "openssl (CA)");
      !s.ok())
    return s;
  if (!WriteFile(d / "server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                   "extendedKeyUsage=serverAuth\n"))
    return Internal("cannot write server.ext");
  if (Status s = Run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
                      p + "server.key", "-out", p + "server.csr"},
                     "openssl (server key)");
      !s.ok())
    return s;
  if (Status s = Run({"openssl", "x509", "-req", "-in", p + "server.csr", "-CA", p + "ca.crt", "-CAkey",
                      p + "ca.key", "-CAcreateserial", "-days", "2", "-extfile", p + "server.ext", "-out",
                      p + "server.crt"},
                     "openssl (server cert)");
      !s.ok())
    return s;
  if (Status s = Run({"openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/O=system:masters/CN=cert-user",
                      "-keyout", p + "client.key", "-out", p + "client.csr"},
                     "openssl (client key)");
      !s.ok())
    return s;
  if (!WriteFile(d / "client.ext", "extendedKeyUsage=clientAuth\n")) return Internal("cannot write client.ext");
  if (Status s = Run({"openssl", "x509", "-req", "-in", p + "client.csr", "-CA", p + "ca.crt", "-CAkey",
                      p + "ca.key", "-CAcreateserial", "-days", "2", "-extfile", p + "client.ext", "-out",
                      p + "client.crt"},
                     "openssl (client cert)");
      !s.ok())
    return s;
  return Run({"openssl", "genrsa", "-out", p + "sa.key", "2048"}, "openssl (service account key)");
}

}  // namespace

Result<std::string> FindKubeApiServer() {
  const std::string cache = Env("SPACEPORT_CACHE", "/var/cache/spaceport");
  const std::string path =
      Env("SPACEPORT_KUBE_APISERVER", cache + "/kube-apiserver-v" + kVersion + "/bin/kube-apiserver");
  if (::access(path.c_str(), X_OK) != 0)
    return FailedPrecondition("kube-apiserver not found at " + path +
                              "; run scripts/setup (it runs scripts/kube-tools, which builds it once)");
  return path;
}

Result<std::unique_ptr<KubeApiServer>> KubeApiServer::Start(Options options) {
  Result<std::string> binary = FindKubeApiServer();
  if (!binary.ok()) return binary.status();
  for (const char* program : {"etcd", "etcdctl", "openssl", "curl", "kubectl"})
    if (Status s = RequireExecutable(program); !s.ok()) return s;
  std::unique_ptr<KubeApiServer> api(new KubeApiServer(std::move(options)));
  if (Status s = MakeCertificates(api->dir()); !s.ok()) return s;
  std::string tokens = api->admin_token() + ",admin,admin-uid,system:masters\n";
  for (const User& u : api->options_.users) {
    tokens += u.token + "," + u.name + "," + u.name + "-uid";
    if (!u.groups.empty()) {
      tokens += ",\"";
      for (size_t i = 0; i < u.groups.size(); ++i) tokens += (i ? "," : "") + u.groups[i];
      tokens += "\"";
    }
    tokens += "\n";
  }
  if (!WriteFile(api->dir() / "tokens.csv", tokens)) return Internal("cannot write tokens.csv");
  api->port_ = PickFreePort();
  const std::string admin = api->KubeconfigFor("admin", api->admin_token());
  fs::rename(admin, api->dir() / "kubeconfig");
  if (Status s = api->StartEtcd(); !s.ok()) return s;
  if (Status s = api->StartApiServer(); !s.ok()) return s;
  return api;
}

Result<KubeApiServer*> KubeApiServer::Shared() {
  static std::mutex mu;
  static std::unique_ptr<KubeApiServer> shared;
  static Status failed;
  std::lock_guard<std::mutex> lock(mu);
  if (shared) return shared.get();
  if (!failed.ok()) return failed;
  Result<std::unique_ptr<KubeApiServer>> started = Start();
  if (!started.ok()) {
    failed = started.status();
    return failed;
  }
  shared = std::move(*started);
  if (Status s = shared->InstallCrd(); !s.ok()) return s;
  return shared.get();
}

KubeApiServer::~KubeApiServer() {
  if (apiserver_) apiserver_->Stop();
  if (etcd_) etcd_->Stop();
}

std::string KubeApiServer::url() const { return "https://127.0.0.1:" + std::to_string(port_); }
std::string KubeApiServer::ca_file() const { return (dir_.path() / "ca.crt").string(); }
std::string KubeApiServer::kubeconfig() const { return (dir_.path() / "kubeconfig").string(); }
std::string KubeApiServer::client_cert_file() const { return (dir_.path() / "client.crt").string(); }
std::string KubeApiServer::client_key_file() const { return (dir_.path() / "client.key").string(); }
std::string KubeApiServer::ApiServerLog() const { return apiserver_ ? apiserver_->Log() : ""; }

std::string KubeApiServer::KubeconfigFor(const std::string& name, const std::string& token) const {
  const fs::path path = dir_.path() / ("kubeconfig-" + name);
  WriteFile(path,
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- name: test\n"
            "  cluster:\n"
            "    server: " + url() + "\n"
            "    certificate-authority: " + ca_file() + "\n"
            "users:\n"
            "- name: " + name + "\n"
            "  user:\n"
            "    token: " + token + "\n"
            "contexts:\n"
            "- name: test\n"
            "  context: {cluster: test, user: " + name + ", namespace: default}\n"
            "current-context: test\n");
  return path.string();
}

Status KubeApiServer::StartEtcd() {
  etcd_port_ = PickFreePort();
  etcd_peer_port_ = PickFreePort();
  const std::string client = "http://127.0.0.1:" + std::to_string(etcd_port_);
  const std::string peer = "http://127.0.0.1:" + std::to_string(etcd_peer_port_);
  Result<ChildProcess> etcd = ChildProcess::Start(
      {"etcd", "--name", "k8s", "--data-dir", (dir_.path() / "etcd").string(), "--listen-client-urls", client,
       "--advertise-client-urls", client, "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
       "--initial-cluster", "k8s=" + peer, "--log-level", "warn"},
      dir_.path() / "etcd.log");
  if (!etcd.ok()) return etcd.status();
  etcd_.emplace(std::move(*etcd));
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (RunCommand({"curl", "-sf", "-o", "/dev/null", client + "/health"}).exit_code == 0) return Status::Ok();
    if (!etcd_->Running()) return Internal("etcd exited: " + etcd_->Log());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return Status(StatusCode::kDeadlineExceeded, "etcd did not become healthy: " + etcd_->Log());
}

Status KubeApiServer::StartApiServer() {
  Result<std::string> binary = FindKubeApiServer();
  if (!binary.ok()) return binary.status();
  const std::string d = dir_.path().string() + "/";
  Result<ChildProcess> api = ChildProcess::Start(
      {*binary, "--etcd-servers=http://127.0.0.1:" + std::to_string(etcd_port_), "--bind-address=127.0.0.1",
       "--advertise-address=127.0.0.1", "--secure-port=" + std::to_string(port_), "--cert-dir=" + d + "certs",
       "--tls-cert-file=" + d + "server.crt", "--tls-private-key-file=" + d + "server.key",
       "--client-ca-file=" + d + "ca.crt", "--service-account-issuer=https://kubernetes.default.svc",
       "--service-account-key-file=" + d + "sa.key", "--service-account-signing-key-file=" + d + "sa.key",
       "--api-audiences=https://kubernetes.default.svc", "--token-auth-file=" + d + "tokens.csv",
       "--authorization-mode=RBAC", "--service-cluster-ip-range=10.96.0.0/24", "--logtostderr=true", "--v=0"},
      dir_.path() / "apiserver.log");
  if (!api.ok()) return api.status();
  apiserver_.emplace(std::move(*api));
  return WaitReady();
}

Status KubeApiServer::WaitReady() const {
  const auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (RunCommand({"curl", "-sf", "-o", "/dev/null", "--cacert", ca_file(), "-H",
                    "Authorization: Bearer " + admin_token(), url() + "/readyz"})
            .exit_code == 0)
      return Status::Ok();
    if (!const_cast<ChildProcess&>(*apiserver_).Running())
      return Internal("kube-apiserver exited: " + apiserver_->Log().substr(0, 4000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return Status(StatusCode::kDeadlineExceeded, "kube-apiserver not ready within 90 s");
}

Status KubeApiServer::Restart() {
  if (apiserver_) apiserver_->Stop();
  apiserver_.reset();
  return StartApiServer();
}

CommandResult KubeApiServer::Kubectl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"kubectl", "--kubeconfig", kubeconfig(), "--cache-dir",
                                   (dir_.path() / "kubectl-cache").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

CommandResult KubeApiServer::Apply(const std::string& yaml) const {
  static std::atomic<int> counter{0};
  const fs::path file = dir_.path() / ("apply-" + std::to_string(++counter) + ".yaml");
  WriteFile(file, yaml);
  return Kubectl({"apply", "-f", file.string()});
}

Status KubeApiServer::InstallCrd() const {
  const std::string crd = std::string(SPACEPORT_SOURCE_DIR) + "/crds/spaceport.dev_spacedeployments.yaml";
  CommandResult r = Kubectl({"apply", "-f", crd});
  if (r.exit_code != 0) return Internal("kubectl apply of the CRD failed: " + r.output);
  r = Kubectl({"wait", "--for=condition=Established", "--timeout=60s",
               "crd/spacedeployments.spaceport.dev"});
  if (r.exit_code != 0) return Internal("the CRD did not become Established: " + r.output);
  return Status::Ok();
}

Status KubeApiServer::CreateNamespace(const std::string& name) const {
  CommandResult r = Apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
  if (r.exit_code != 0) return Internal("namespace " + name + ": " + r.output);
  return Status::Ok();
}

Result<int64_t> KubeApiServer::Compact() const {
  const std::string endpoint = "--endpoints=http://127.0.0.1:" + std::to_string(etcd_port_);
  CommandResult status = RunCommand({"env", "ETCDCTL_API=3", "etcdctl", endpoint, "endpoint", "status", "-w", "json"});
  if (status.exit_code != 0) return Internal("etcdctl endpoint status: " + status.output);
  const std::string marker = "\"revision\":";
  const size_t at = status.output.find(marker);
  if (at == std::string::npos) return Internal("no revision in: " + status.output);
  const int64_t revision = std::strtoll(status.output.c_str() + at + marker.size(), nullptr, 10);
  CommandResult compact =
      RunCommand({"env", "ETCDCTL_API=3", "etcdctl", endpoint, "compact", std::to_string(revision)});
  if (compact.exit_code != 0) return Internal("etcdctl compact: " + compact.output);
  return revision;
}

}  // namespace spaceport::support
