#include "runtime/kube_mode.h"

#include <unistd.h>

#include <fstream>
#include <random>

namespace spaceport::runtime {

std::string LeaderIdentity() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  std::random_device rd;
  static const char kHex[] = "0123456789abcdef";
  std::string suffix;
  for (int i = 0; i < 16; ++i) suffix += kHex[rd() % 16];
  return std::string(host[0] ? host : "spaceport") + "_" + suffix;
}

Result<std::unique_ptr<KubeMode>> KubeMode::Open(const KubeFlags& flags, Clock& clock,
                                                 std::function<void(const std::string&)> log) {
  kube::ConfigOptions config_options;
  config_options.kubeconfig = flags.kubeconfig;
  config_options.context = flags.context;
  Result<kube::ClusterConfig> config = kube::LoadClusterConfig(config_options);
  if (!config.ok()) return config.status();
  std::unique_ptr<KubeMode> mode(new KubeMode());
  const std::string default_namespace = config->namespace_.empty() ? "default" : config->namespace_;
  kube::KubeClientOptions client_options;
  client_options.qps = flags.qps;
  client_options.burst = flags.burst;
  client_options.user_agent = "spaceport-controller";
  mode->client_ = kube::KubeClient::Connect(std::move(*config), clock, client_options);

  KubeSourceOptions source_options;
  source_options.namespaces = flags.namespaces;
  source_options.label_selector = flags.label_selector;
  source_options.log = log;
  mode->owned_source_ = std::make_unique<KubeSource>(*mode->client_, source_options);
  mode->source_ = mode->owned_source_.get();
  mode->status_store_ = std::make_unique<KubeStatusStore>(*mode->client_, *mode->source_, log);
  mode->events_ = std::make_unique<KubeEvents>(*mode->client_, *mode->source_, clock, log);
  mode->secrets_ = std::make_unique<KubeSecrets>(*mode->client_, clock);
  if (flags.leader_elect) {
    kube::LeaderElectionOptions election;
    election.namespace_ =
        flags.leader_election_namespace.empty() ? default_namespace : flags.leader_election_namespace;
    election.name = flags.leader_election_id;
    election.identity = LeaderIdentity();
    election.lease_duration = flags.lease_duration;
    election.renew_deadline = flags.renew_deadline;
    election.retry_period = flags.retry_period;
    election.log = log;
    mode->elector_ = std::make_unique<kube::LeaderElector>(*mode->client_, clock, election);
  }
  return mode;
}

std::unique_ptr<Source> KubeMode::TakeSource() { return std::move(owned_source_); }

void KubeMode::Configure(ControllerOptions& options, World& world) {
  options.status_backend = status_store_.get();
  KubeEvents* events = events_.get();
  options.record_event = [events](const std::string& key, const std::string& type, const std::string& reason,
                                  const std::string& message) { events->Record(key, type, reason, message); };
  KubeSecrets* secrets = secrets_.get();
  world.secret_key = [secrets](const std::string& ns, const spec::SecretKeyRef& ref) {
    return secrets->Value(ns, ref);
  };
  world.check_secret = [secrets](const std::string& ns, const spec::SecretKeyRef& ref) {
    return secrets->Check(ns, ref);
  };
  world.kube = client_.get();  // build.kubernetesJob runs its Jobs through this client
}

}  // namespace spaceport::runtime
