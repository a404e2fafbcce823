// spaceport-fault-proxy: support::FaultProxy as a program, to put between `spaceport run` and one
// upstream by hand, or to replay the faults a failed test met (same --seed, same --faults).
//
//   spaceport-fault-proxy --upstream http://127.0.0.1:5000 --name registry
//       --seed 7 --faults all=0.3 [--port 0] [--latency-ms 300] [--retry-after 1]
//       [--stall-path '^/api/spaces/acme/']
//
// Prints "listening on http://127.0.0.1:PORT" on stdout once it accepts connections, then one
// line per request with the decision it met ("registry #12 GET /v2/ [occurrence 3]: 503 (seed)"),
// serves until SIGTERM or SIGINT, prints the count per decision and exits 0. See
// docs/reliability.md.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <mutex>

#include "support/fault_proxy.h"

int main(int argc, char** argv) {
  using spaceport::support::FaultProxy;
  CLI::App app{
      "A fault-injection HTTP proxy for tests: between Spaceport and one upstream, it answers "
      "500/502/503, 429 with Retry-After (seconds or HTTP-date), resets, stalls, truncates or "
      "delays a seeded random share of requests and passes the rest through unchanged "
      "(see docs/reliability.md)"};
  FaultProxy::Options options;
  std::string faults = "all=0.3";
  int latency_ms = 300;
  app.add_option("--upstream", options.upstream, "The upstream, http://HOST:PORT")->required();
  app.add_option("--name", options.name, "Name in each log line (hub, registry, github)")
      ->capture_default_str();
  app.add_option("--address", options.address, "IPv4 address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "Port to listen on; 0 picks a free one")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Seed of the per-request choice; the same seed replays "
                                         "the same decisions")
      ->capture_default_str();
  app.add_option("--faults", faults,
                 "Probabilities per request, KIND=P,...: 500 502 503 429-seconds 429-date "
                 "reset-before reset-after stall stall-half truncate latency, or the groups "
                 "all, 5xx, 429, reset (spread evenly); at most 1 in all")
      ->capture_default_str();
  app.add_option("--latency-ms", latency_ms, "Delay a 'latency' decision adds")->capture_default_str();
  app.add_option("--retry-after", options.retry_after_seconds,
                 "Seconds a 429 asks the client to wait (both forms)")
      ->capture_default_str();
  app.add_option("--stall-path", options.stall_path_regex,
                 "Requests whose path matches this regex (ECMAScript) always stall");
  CLI11_PARSE(app, argc, argv);

  auto rates = spaceport::support::ParseFaultRates(faults);
  if (!rates.ok()) {
    std::cerr << "spaceport-fault-proxy: --faults: " << rates.status().message() << "\n";
    return 2;
  }
  options.rates = *rates;
  options.latency = std::chrono::milliseconds(latency_ms);
  std::mutex out;
  const std::string name = options.name;
  options.on_decision = [&out, name](const spaceport::support::FaultDecision& d) {
    std::lock_guard<std::mutex> lock(out);
    std::cout << d.ToString(name) << std::endl;
  };

  // Block the signals before any thread starts, so only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto proxy = FaultProxy::Start(options);
  if (!proxy.ok()) {
    std::cerr << "spaceport-fault-proxy: " << proxy.status().message() << "\n";
    return 1;
  }
  std::cout << "listening on " << (*proxy)->base_url() << " (upstream " << options.upstream
            << ", seed " << options.seed << ", faults " << faults << ")" << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  (*proxy)->Stop();
  std::lock_guard<std::mutex> lock(out);
  std::cout << "requests: " << (*proxy)->requests();
  for (const auto& [kind, n] : (*proxy)->CountsByKind()) std::cout << ", " << kind << " " << n;
  std::cout << std::endl;
  return 0;
}
