#include "support/registry_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "http/http.h"

namespace spaceport::support {
namespace {

constexpr auto kStartupTimeout = std::chrono::seconds(15);

std::string ConfigYaml(const RegistryProcess::Options& o, const std::filesystem::path& dir,
                       int port) {
  std::string yaml =
      "version: 0.1\n"
      "log: {level: info, formatter: text}\n"
      "storage:\n"
      "  filesystem: {rootdirectory: " +
      (dir / "data").string() +
      "}\n"
      "  delete: {enabled: true}\n"
      "  cache: {blobdescriptor: inmemory}\n"
      "http:\n"
      "  addr: 127.0.0.1:" +
      std::to_string(port) +
      "\n"
      "  headers: {X-Content-Type-Options: [nosniff]}\n";
  if (o.auth == RegistryAuth::kHtpasswd) {
    yaml +=
        "auth:\n  htpasswd: {realm: test-basic-realm, path: " + (dir / "htpasswd").string() + "}\n";
  } else if (o.auth == RegistryAuth::kToken) {
    yaml +=
        "auth:\n  token:\n"
        "    realm: " +
        o.token_server->realm() +
        "\n"
        "    service: " +
        o.service +
        "\n"
        "    issuer: " +
        o.token_server->issuer() +
        "\n"
        "    rootcertbundle: " +
        o.token_server->cert_path() + "\n";
  }
  return yaml;
}

}  // namespace

int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

Result<std::unique_ptr<RegistryProcess>> RegistryProcess::Start(Options options) {
  if (Status s = RequireExecutable("docker-registry"); !s.ok()) return s;
  if (options.auth == RegistryAuth::kToken && options.token_server == nullptr) {
    return InvalidArgument("token auth needs a TokenServer");
  }
  std::unique_ptr<RegistryProcess> registry(new RegistryProcess(std::move(options)));
  const std::filesystem::path& dir = registry->dir_.path();
  const Options& o = registry->options_;

  if (o.auth == RegistryAuth::kHtpasswd) {
    if (Status s = RequireExecutable("htpasswd"); !s.ok()) return s;
    CommandResult h = RunCommand({"htpasswd", "-Bbn", o.username, o.password});
    if (h.exit_code != 0) return Internal("htpasswd failed: " + h.output);
    if (!WriteFile(dir / "htpasswd", h.output)) return Internal("cannot write htpasswd");
  }

  registry->port_ = PickFreePort();
  if (registry->port_ == 0) return Internal("no free loopback port");
  std::filesystem::path config = dir / "config.yml";
  if (!WriteFile(config, ConfigYaml(o, dir, registry->port_)))
    return Internal("cannot write registry config");

  auto process =
      ChildProcess::Start({"docker-registry", "serve", config.string()}, dir / "registry.log");
  if (!process.ok()) return process.status();
  registry->process_.emplace(std::move(*process));

  // Ready when /v2/ answers at all: 200 without auth, 401 with it.
  std::unique_ptr<http::Transport> transport = http::MakeTransport({});
  auto deadline = std::chrono::steady_clock::now() + kStartupTimeout;
  while (true) {
    http::Request probe;
    probe.url = registry->endpoint() + "/v2/";
    probe.timeout = std::chrono::milliseconds(1000);
    auto r = transport->Send(probe);
    if (r.ok() && (r->status == 200 || r->status == 401)) break;
    if (!registry->process_->Running()) {
      return Internal("docker-registry exited during startup; log:\n" + registry->Log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status(StatusCode::kDeadlineExceeded,
                    "docker-registry did not answer /v2/ within 15 s; log:\n" + registry->Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return registry;
}

RegistryProcess::~RegistryProcess() { Stop(); }

void RegistryProcess::Stop() {
  if (process_) process_->Stop(std::chrono::milliseconds(3000));
}

}  // namespace spaceport::support
