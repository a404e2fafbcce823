// `spaceport run [PATH...] [--source SPEC]... [flags]`: the long-running controller.
//
// Loads the desired state from its sources (directories watched with inotify, Git repositories
// polled or fetched on a push webhook), reconciles every SpaceDeployment on a work queue with
// `--concurrency` workers, keeps each one's status in the state directory, and serves probes,
// metrics, the drift report and webhook receivers on `--listen`. SIGTERM or SIGINT stop it
// gracefully: no new work is taken, the steps in progress finish, and it exits within 30 s.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "base/memory.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/progress_log.h"
#include "http/http.h"
#include "http/listen_address.h"
#include "report/notifier.h"
#include "runtime/controller.h"
#include "runtime/console_api.h"
#include "runtime/console_service.h"
#include "runtime/http_api.h"
#include "runtime/kube_mode.h"
#include "runtime/source.h"
#include "runtime/world.h"
#include "spec/grammar.h"

namespace spaceport::cli {
namespace {

struct RunOptions {
  std::vector<std::string> paths;
  std::vector<std::string> sources;
  std::string config_file;
  std::string state_dir;
  std::string listen = "127.0.0.1:8080";
  int concurrency = 4;
  std::string backoff_initial = "750ms";
  std::string backoff_max = "15m";
  std::string progress_poll = "5s";
  std::string rescan_interval = "30s";
  std::string git_poll_interval = "1m";
  std::string notify_url;
  std::string notify_format = "json";
  std::string github_secret_env = "SPACEPORT_GITHUB_WEBHOOK_SECRET";
  std::string hub_secret_env = "SPACEPORT_HUB_WEBHOOK_SECRET";
  std::string generic_secret_env = "SPACEPORT_GENERIC_WEBHOOK_SECRET";
  std::string settings_resync_interval;  // "" = 10m with Hub webhooks, else 0 (every pass)
  int github_requests_per_hour = 5000;
  bool once = false;
  bool kube = false;
  runtime::KubeFlags kube_flags;
  std::string lease_duration = "15s";
  std::string renew_deadline = "10s";
  std::string retry_period = "2s";
  std::string hub_list_interval = "1m";
  std::string registry_tag_max_age = "30s";
  std::string trigger_secret_env = "SPACEPORT_TRIGGER_SECRET";
  std::string api_token_env = "SPACEPORT_API_TOKEN";
  std::string api_basic_auth_file;
};

// "750ms", "5s", "1m30s", "2h": milliseconds, or nullopt.
std::optional<std::chrono::milliseconds> ParseFlagDuration(const std::string& text) {
  if (text.size() > 2 && text.compare(text.size() - 2, 2, "ms") == 0) {
    const std::string digits = text.substr(0, text.size() - 2);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::chrono::milliseconds(std::stoll(digits));
  }
  std::optional<int64_t> seconds = spec::ParseDuration(text);
  if (!seconds) return std::nullopt;
  return std::chrono::milliseconds(*seconds * 1000);
}

// A duration flag where "0" turns something off.
std::optional<std::chrono::milliseconds> ParseZeroOrDuration(const std::string& text) {
  return text == "0" ? std::optional<std::chrono::milliseconds>(0) : ParseFlagDuration(text);
}

std::atomic<int> g_signal{0};

void OnSignal(int sig) { g_signal = sig; }

int RunController(const RunOptions& o) {
  LimitMallocArenas(1);  // before any thread: resident memory near the live heap (base/memory.h)
  ProgressLog log;
  struct Parsed {
    const char* flag;
    const std::string* text;
    std::chrono::milliseconds value{};
  } durations[] = {{"--backoff-initial", &o.backoff_initial}, {"--backoff-max", &o.backoff_max},
                   {"--progress-poll", &o.progress_poll},     {"--rescan-interval", &o.rescan_interval},
                   {"--git-poll-interval", &o.git_poll_interval}, {"--leader-election-lease-duration", &o.lease_duration},
                   {"--leader-election-renew-deadline", &o.renew_deadline},
                   {"--leader-election-retry-period", &o.retry_period}};
  std::optional<std::chrono::milliseconds> hub_list_interval = ParseZeroOrDuration(o.hub_list_interval);
  if (!hub_list_interval) {
    std::cerr << "spaceport run: --hub-list-interval: \"" << o.hub_list_interval
              << "\" is not a duration (e.g. 30s, 1m; 0 turns lists off)\n";
    return kExitError;
  }
  std::optional<std::chrono::milliseconds> tag_max_age = ParseZeroOrDuration(o.registry_tag_max_age);
  if (!tag_max_age) {
    std::cerr << "spaceport run: --registry-tag-max-age: \"" << o.registry_tag_max_age
              << "\" is not a duration (e.g. 30s, 1m; 0 asks the registry for every tag on every pass)\n";
    return kExitError;
  }
  std::optional<std::chrono::milliseconds> settings_resync;
  if (!o.settings_resync_interval.empty()) {
    settings_resync = ParseZeroOrDuration(o.settings_resync_interval);
    if (!settings_resync) {
      std::cerr << "spaceport run: --settings-resync-interval: \"" << o.settings_resync_interval
                << "\" is not a duration (e.g. 10m, 1h; 0 reads variables and secrets every pass)\n";
      return kExitError;
    }
  }
  if (o.github_requests_per_hour < 1) {
    std::cerr << "spaceport run: --github-requests-per-hour must be at least 1\n";
    return kExitError;
  }
  for (Parsed& d : durations) {
    auto v = ParseFlagDuration(*d.text);
    if (!v || v->count() <= 0) {
      std::cerr << "spaceport run: " << d.flag << ": \"" << *d.text
                << "\" is not a positive duration (e.g. 750ms, 5s, 1m30s)\n";
      return kExitError;
    }
    d.value = *v;
  }
  if (o.concurrency < 1 || o.concurrency > 64) {
    std::cerr << "spaceport run: --concurrency must be between 1 and 64\n";
    return kExitError;
  }

  runtime::WorldOptions world_options;
  world_options.config_file = o.config_file;
  world_options.state_dir = o.state_dir;
  std::unique_ptr<runtime::World> world = runtime::OpenWorld(world_options, std::cerr);
  if (!world) return kExitError;

  runtime::SourceOptions source_options;
  source_options.cache_dir = world->state_dir;
  source_options.rescan_interval = durations[3].value;
  source_options.poll_interval = durations[4].value;
  std::vector<std::string> specs = o.sources;
  for (const std::string& path : o.paths) specs.push_back("dir:" + path);
  if (specs.empty() && !o.kube) {
    std::cerr << "spaceport run: no desired state: give PATH arguments, --source dir:PATH / "
                 "--source git:URL[#REF][:PATH], or --kube\n";
    return kExitError;
  }
  std::vector<std::unique_ptr<runtime::Source>> sources;
  std::unique_ptr<runtime::KubeMode> kube;
  if (o.kube) {
    runtime::KubeFlags flags = o.kube_flags;
    flags.lease_duration = durations[5].value;
    flags.renew_deadline = durations[6].value;
    flags.retry_period = durations[7].value;
    if (flags.renew_deadline >= flags.lease_duration || flags.retry_period >= flags.renew_deadline) {
      std::cerr << "spaceport run: leader election needs retry period < renew deadline < lease duration\n";
      return kExitError;
    }
    auto opened = runtime::KubeMode::Open(flags, RealClock::Instance(), [&log](const std::string& line) { log(line); });
    if (!opened.ok()) {
      std::cerr << "spaceport run: --kube: " << opened.status().message() << '\n';
      return kExitError;
    }
    kube = std::move(*opened);
    sources.push_back(kube->TakeSource());
  } else if (o.kube_flags.leader_elect) {
    std::cerr << "spaceport run: --leader-elect needs --kube (file mode keeps one controller per state "
                 "directory with a lock)\n";
    return kExitError;
  }
  for (const std::string& spec : specs) {
    auto source = runtime::ParseSourceSpec(spec, source_options);
    if (!source.ok()) {
      std::cerr << "spaceport run: --source: " << source.status().message() << '\n';
      return kExitError;
    }
    sources.push_back(std::move(*source));
  }

  // The ops console and API (docs/console.md): optional auth, and the "Reconcile now" secret.
  runtime::ApiAuth auth;
  if (const char* v = std::getenv(o.api_token_env.c_str())) auth.bearer_token = v;
  if (!o.api_basic_auth_file.empty()) {
    std::ifstream in(o.api_basic_auth_file);
    std::stringstream text;
    text << in.rdbuf();
    auto users = in ? runtime::ParseBasicAuthFile(text.str())
                    : Result<std::vector<std::pair<std::string, std::string>>>(
                          NotFound("cannot read " + o.api_basic_auth_file));
    if (!users.ok()) {
      std::cerr << "spaceport run: --api-basic-auth-file: " << users.status().message() << '\n';
      return kExitError;
    }
    auth.basic_users = std::move(*users);
  }
  runtime::ConsoleOptions console_options;
  if (const char* v = std::getenv(o.trigger_secret_env.c_str())) console_options.trigger_secret = v;
  console_options.auth = auth.Describe();
  console_options.version = SPACEPORT_VERSION;
  std::unique_ptr<runtime::ConsoleService> console;

  runtime::WebhookSecrets secrets;
  if (const char* v = std::getenv(o.github_secret_env.c_str())) secrets.github = v;
  if (const char* v = std::getenv(o.hub_secret_env.c_str())) secrets.hub = v;
  if (const char* v = std::getenv(o.generic_secret_env.c_str())) secrets.generic = v;

  std::unique_ptr<http::Transport> notify_transport;
  std::unique_ptr<report::Notifier> notifier;
  if (!o.notify_url.empty()) {
    auto url = http::Url::Parse(o.notify_url);
    if (!url.ok()) {
      std::cerr << "spaceport run: --notify: not an http(s) URL\n";  // the URL may hold a token
      return kExitError;
    }
    report::NotifierOptions n;
    n.url = o.notify_url;
    n.format = o.notify_format == "slack" ? report::NotifyFormat::kSlack : report::NotifyFormat::kJson;
    if (url->scheme == "http") {
      if (!http::IsLoopbackHost(url->host)) {
        std::cerr << "spaceport run: --notify: plain http is only allowed to a loopback receiver; "
                     "use https\n";
        return kExitError;
      }
      n.insecure_origins.push_back(url->Origin());
    }
    n.log = [&log](const std::string& line) { log("notify: " + line); };
    notify_transport = http::MakeTransport({});
    notifier = std::make_unique<report::Notifier>(std::move(n), *notify_transport, RealClock::Instance());
  }

  runtime::ControllerOptions options;
  options.concurrency = o.concurrency;
  options.backoff = {durations[0].value, durations[1].value};
  options.progress_poll = durations[2].value;
  // Without Hub webhooks nothing tells us a variable changed: read them every pass. With them, a
  // repo.config webhook invalidates at once, and the resync only catches a lost webhook.
  options.settings_resync_interval =
      settings_resync ? *settings_resync
                      : (secrets.hub.empty() ? std::chrono::milliseconds(0) : std::chrono::milliseconds(std::chrono::minutes(10)));
  options.github_requests_per_hour = o.github_requests_per_hour;
  options.once = o.once;
  options.hub_list_max_age = *hub_list_interval;
  options.registry_tag_max_age = *tag_max_age;
  options.log = [&log](const std::string& line) { log(line); };
  options.on_reconciled = [&console](const spec::SpaceDeployment& d, const runtime::ReconcileOutcome& out,
                                     Clock::TimePoint next) {
    if (console) console->OnReconciled(d, out, next);
  };
  if (kube) kube->Configure(options, *world);
  runtime::Controller controller(*world, std::move(sources), options, RealClock::Instance(), notifier.get());
  console = std::make_unique<runtime::ConsoleService>(controller, *world, console_options, RealClock::Instance());
  console->Start();

  // Signals: handled on this thread by polling a flag, so nothing unsafe runs in the handler.
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);

  std::unique_ptr<http::Server> server;
  if (!o.listen.empty() && o.listen != "off") {
    Result<http::ListenAddress> listen = http::ParseListenAddress(o.listen);
    if (!listen.ok()) {
      std::cerr << "spaceport run: --listen: " << listen.status().message() << '\n';
      return kExitError;
    }
    http::Server::Options server_options;
    server_options.address = listen->address;
    server_options.port = listen->port;
    auto started = http::StartServer(server_options, runtime::Secured(runtime::MakeApiHandler(controller, secrets, console.get()), auth));
    if (!started.ok()) {
      std::cerr << "spaceport run: --listen " << o.listen << ": " << started.status().message() << '\n';
      return kExitError;
    }
    server = std::move(*started);
    log("listening on " + server->base_url() + " (console " + server->base_url() + "/, /healthz /readyz /metrics /api/v1/drift /api/v1/status" +
        std::string(secrets.github.empty() ? "" : " /hooks/github") +
        std::string(secrets.hub.empty() ? "" : " /hooks/hub") +
        std::string(secrets.generic.empty() ? "" : " /hooks/generic") + ")");
  }

  std::atomic<bool> started{false};
  std::atomic<bool> start_failed{false};
  auto start = [&] {
    if (Status s = controller.Start(); !s.ok()) {
      std::cerr << "spaceport run: " << s.message() << '\n';
      start_failed = true;
      return;
    }
    log("started: " + std::to_string(o.concurrency) + " workers, state in " + world->state_dir +
        ", desired state " + controller.Revision());
    started = true;
  };
  // Leader election: only the holder of the Lease reconciles. Losing it ends the process at once
  // (exit 1, like controller-runtime), so a replica that may no longer lead never acts again.
  std::atomic<bool> stop_election{false};
  std::thread election;
  kube::LeaderElector* elector = kube ? kube->elector() : nullptr;
  if (elector != nullptr) {
    const std::string lease = elector->options().namespace_ + "/" + elector->options().name;
    controller.SetLeadership(elector->options().name, false, "");
    log("leader election: waiting for lease " + lease + " as " + elector->options().identity);
    election = std::thread([&, lease] {
      elector->Run(
          stop_election,
          [&] {
            controller.SetLeadership(elector->options().name, true, "");
            log("leader election: leading (lease " + lease + ")");
            start();
          },
          [&] {
            log("leader election: lost lease " + lease + "; exiting");
            std::cerr << std::flush;
            std::_Exit(kExitDrift);  // 1: leadership lost (the pod restarts)
          });
    });
  } else {
    start();
  }
  auto stop_election_thread = [&] {
    stop_election = true;
    if (election.joinable()) election.join();  // releases the lease when it was held
  };
  while (!started && !start_failed && g_signal == 0) {
    if (elector != nullptr && !elector->is_leader())
      controller.SetLeadership(elector->options().name, false, elector->observed_holder());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!started) {
    stop_election_thread();
    if (server) server->Stop();
    if (start_failed) return kExitError;
    log(std::string("received ") + (g_signal == SIGTERM ? "SIGTERM" : "SIGINT") + " while standing by: stopped");
    return kExitOk;
  }

  std::thread watcher([&controller] {
    while (g_signal == 0 && !controller.stopping()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    controller.Stop();
  });
  const bool clean = controller.Wait();
  if (g_signal != 0) log(std::string("received ") + (g_signal == SIGTERM ? "SIGTERM" : "SIGINT") + ": stopped taking work");
  controller.Stop();
  watcher.join();
  stop_election_thread();
  if (notifier) notifier->Flush();
  if (server) server->Stop();
  if (!clean) {
    log("shutdown timeout: a step was still running; exiting anyway (every step is idempotent)");
    std::cerr << std::flush;
    std::_Exit(kExitError);
  }
  log("stopped");
  return kExitOk;
}

}  // namespace

Command AddRunCommand(CLI::App& root) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* app = root.add_subcommand(
      "run", "Run the controller: watch the desired state and keep the Spaces converged");
  app->add_option("PATH", o->paths, "Directories or files of desired state (same as --source dir:PATH)")
      ->type_name("");
  app->add_option("--source", o->sources,
                  "dir:PATH (watched) or git:URL[#REF][:PATH] (polled; see docs/sources.md). Repeatable")
      ->type_name("SPEC");
  app->add_option("--config", o->config_file,
                  "Controller config (docs/controller-config.md). Default: $SPACEPORT_CONFIG")
      ->type_name("FILE");
  app->add_option("--state-dir", o->state_dir,
                  "Where status files, caches and keys live (overrides the config's stateDir)")
      ->type_name("DIR");
  app->add_option("--listen", o->listen,
                  "Address of /healthz /readyz /metrics /api/v1/drift and the webhooks: IPv4 (0.0.0.0:8080) or "
                  "bracketed IPv6 ([::1]:8080, [::]:8080 also takes IPv4); \"off\" for none")
      ->type_name("ADDR:PORT")
      ->capture_default_str();
  app->add_option("--concurrency", o->concurrency, "Deployments reconciled at once")
      ->capture_default_str();
  app->add_option("--backoff-initial", o->backoff_initial, "First retry delay after a failure")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_option("--backoff-max", o->backoff_max, "Longest retry delay (the delay doubles up to it)")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_option("--progress-poll", o->progress_poll,
                  "How often a building Space or image is looked at again")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_option("--rescan-interval", o->rescan_interval, "Directory sources: full rescan period")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_option("--git-poll-interval", o->git_poll_interval, "Git sources: fetch period")
      ->type_name("DURATION")
      ->capture_default_str();
  // The URL usually holds a token (a Slack webhook), and a command line is readable by anyone
  // on the host (/proc/PID/cmdline, ps): the environment variable is the way to pass it.
  app->add_option("--notify", o->notify_url,
                  "POST drift found/corrected and deploy succeeded/failed here; the URL is a "
                  "secret, so prefer $SPACEPORT_NOTIFY_URL (a command line is visible in ps)")
      ->type_name("URL")
      ->envname("SPACEPORT_NOTIFY_URL");
  app->add_option("--notify-format", o->notify_format, "json or slack (incoming webhook)")
      ->check(CLI::IsMember({"json", "slack"}))
      ->capture_default_str();
  app->add_option("--github-webhook-secret-env", o->github_secret_env,
                  "Environment variable holding the GitHub webhook secret (/hooks/github is off "
                  "while it is unset)")
      ->type_name("NAME")
      ->capture_default_str();
  app->add_option("--trigger-secret-env", o->trigger_secret_env,
                  "Environment variable holding the secret the console's \"Reconcile now\" needs (the "
                  "action is off while it is unset)")
      ->type_name("NAME")
      ->capture_default_str();
  app->add_option("--api-token-env", o->api_token_env,
                  "Environment variable holding a bearer token the console and API then require "
                  "(probes and webhooks stay open)")
      ->type_name("NAME")
      ->capture_default_str();
  app->add_option("--api-basic-auth-file", o->api_basic_auth_file,
                  "USER:PASSWORD lines; the console and API then require basic auth (or the token)")
      ->type_name("FILE");
  app->add_option("--hub-webhook-secret-env", o->hub_secret_env,
                  "Environment variable holding the Hub webhook secret (/hooks/hub is off while "
                  "it is unset)")
      ->type_name("NAME")
      ->capture_default_str();
  app->add_option("--generic-webhook-secret-env", o->generic_secret_env,
                  "Environment variable holding the secret of /hooks/generic (X-Signature: sha256=HMAC "
                  "of the body; off while it is unset)")
      ->type_name("NAME")
      ->capture_default_str();
  app->add_option("--settings-resync-interval", o->settings_resync_interval,
                  "Read Space variables/secrets again once they are this old (default: 10m with Hub "
                  "webhooks, else 0 = every pass); always at once after our write or a Hub webhook "
                  "about the Space")
      ->type_name("DURATION");
  app->add_option("--github-requests-per-hour", o->github_requests_per_hour,
                  "The GitHub API budget resyncs and build polls are scheduled within (5000 for a "
                  "token, 15000 for an Enterprise Cloud app)")
      ->type_name("N")
      ->capture_default_str();
  app->add_option("--hub-list-interval", o->hub_list_interval,
                  "Reuse each owner's Space list this long (one request per owner instead of one per "
                  "Space); 0 reads every Space on its own")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_option("--registry-tag-max-age", o->registry_tag_max_age,
                  "Reuse a tag's digest this long for every deployment of its image (at most a "
                  "deployment's interval; a package webhook or our own push reads it again at once); "
                  "0 asks the registry for every tag on every pass")
      ->type_name("DURATION")
      ->capture_default_str();
  app->add_flag("--once", o->once, "Exit after every deployment was reconciled once");
  const char* kKube = "Kubernetes mode (docs/kubernetes.md)";
  app->add_flag("--kube", o->kube,
                "Read SpaceDeployments from the Kubernetes API and write their status there")
      ->group(kKube);
  app->add_option("--kubeconfig", o->kube_flags.kubeconfig,
                  "Kubeconfig file (default: $KUBECONFIG, in-cluster config, ~/.kube/config)")
      ->type_name("FILE")
      ->group(kKube);
  app->add_option("--context", o->kube_flags.context, "Kubeconfig context (default: its current-context)")
      ->group(kKube);
  app->add_option("--namespace", o->kube_flags.namespaces,
                  "Watch SpaceDeployments in this namespace; repeatable (default: all namespaces)")
      ->type_name("NS")
      ->group(kKube);
  app->add_option("--watch-label-selector", o->kube_flags.label_selector,
                  "Only SpaceDeployments matching this label selector (to shard between controllers)")
      ->type_name("SELECTOR")
      ->group(kKube);
  app->add_option("--kube-api-qps", o->kube_flags.qps, "Requests per second to the apiserver")
      ->capture_default_str()
      ->group(kKube);
  app->add_option("--kube-api-burst", o->kube_flags.burst, "Burst of requests to the apiserver")
      ->capture_default_str()
      ->group(kKube);
  app->add_flag("--leader-elect", o->kube_flags.leader_elect,
                "Run as one of several replicas: only the holder of a Lease reconciles")
      ->group(kKube);
  app->add_option("--leader-election-namespace", o->kube_flags.leader_election_namespace,
                  "Namespace of the Lease (default: the kubeconfig's or the pod's namespace)")
      ->type_name("NS")
      ->group(kKube);
  app->add_option("--leader-election-id", o->kube_flags.leader_election_id, "Name of the Lease")
      ->capture_default_str()
      ->group(kKube);
  app->add_option("--leader-election-lease-duration", o->lease_duration,
                  "How long a standby waits before taking a lease that is not renewed")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group(kKube);
  app->add_option("--leader-election-renew-deadline", o->renew_deadline,
                  "How long the leader keeps trying to renew before it gives up (and exits)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group(kKube);
  app->add_option("--leader-election-retry-period", o->retry_period, "How often the lease is tried")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group(kKube);
  app->footer(std::string("Examples:\n"
                          "  spaceport run examples/ --config spaceport.yaml\n"
                          "  spaceport run --kube --leader-elect --namespace team-a --listen 0.0.0.0:8080\n"
                          "  spaceport run --source git:https://github.com/acme/deploy#main:spaces \\\n"
                          "      --listen 0.0.0.0:8080 --notify https://hooks.slack.com/services/… "
                          "--notify-format slack\n\n"
                          "Status files: STATE_DIR/status/NAMESPACE/NAME.json (docs/status.md).\n"
                          "Metrics, drift and webhooks: docs/controller.md.\n\n") +
              kExitCodesHelp);
  return Command{app, [o] { return RunController(*o); }};
}

}  // namespace spaceport::cli
