// hub-emulator: the Hub emulator as a program, for the fidelity suite and end-to-end tests.
//
//   hub-emulator --port 0 --token hf_alice:alice[:org1,org2]
//       [--registry-map ghcr.io=http://127.0.0.1:5000] [--build-seconds 3 --start-seconds 2]
//       [--budget 1000 --window-seconds 300]
//
// Prints "listening on http://127.0.0.1:PORT" on stdout once it accepts requests, serves until
// SIGTERM or SIGINT, then exits 0. Runs on real time plus an offset that
// POST /__emulator/clock can advance. See docs/hub-emulator.md for every flag and the API.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "emulators/common/program.h"
#include "emulators/hub/hub_emulator.h"
#include "emulators/hub/offset_clock.h"

namespace {

using spaceport::hub_emulator::Options;
using spaceport::hub_emulator::TokenGrant;

// "TOKEN:USER[:ORG1,ORG2]"
bool ParseToken(const std::string& text, TokenGrant& grant) {
  const size_t first = text.find(':');
  if (first == std::string::npos) return false;
  grant.token = text.substr(0, first);
  std::string rest = text.substr(first + 1);
  const size_t second = rest.find(':');
  grant.user = rest.substr(0, second);
  if (second != std::string::npos) {
    std::string orgs = rest.substr(second + 1);
    for (size_t pos = 0; pos <= orgs.size();) {
      size_t comma = orgs.find(',', pos);
      if (comma == std::string::npos) comma = orgs.size();
      if (comma > pos) grant.orgs.push_back(orgs.substr(pos, comma - pos));
      pos = comma + 1;
    }
  }
  return !grant.token.empty() && !grant.user.empty();
}

// "KEY=VALUE" into a map.
bool ParseAssignment(const std::string& text, std::map<std::string, std::string>& out) {
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return false;
  out[text.substr(0, eq)] = text.substr(eq + 1);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"An in-memory Hugging Face Hub for tests (see docs/hub-emulator.md)"};
  std::string address = "127.0.0.1";
  int port = 0;
  std::vector<std::string> tokens, registry_maps, registry_credentials;
  double build_seconds = 3, start_seconds = 2;
  int budget = 1000, resolver_budget = 5000, window_seconds = 300, page_size = 1000;
  bool assume_unmapped = false, rolling = false, serve_apps = false, verbose = false;
  app.add_option("--address", address, "IPv4 address to listen on")->capture_default_str();
  app.add_option("--port", port, "port; 0 picks a free one")->capture_default_str();
  app.add_option("--token", tokens, "TOKEN:USER[:ORG1,ORG2] (repeatable; tokens start with hf_)");
  app.add_option("--registry-map", registry_maps, "HOST=BASE_URL: check FROM HOST/... images at BASE_URL");
  app.add_option("--registry-credentials", registry_credentials, "HOST=USER:PASSWORD for a mapped registry");
  app.add_flag("--assume-unmapped-images", assume_unmapped,
               "treat images on unmapped, non-loopback registries as present (default: missing)");
  app.add_option("--build-seconds", build_seconds, "time in BUILDING")->capture_default_str();
  app.add_option("--start-seconds", start_seconds, "time in APP_STARTING")->capture_default_str();
  app.add_flag("--rolling-stages", rolling, "RUNNING_BUILDING/RUNNING_APP_STARTING while serving");
  app.add_option("--budget", budget, "api requests per token per window")->capture_default_str();
  app.add_option("--resolver-budget", resolver_budget, "file downloads per token per window")
      ->capture_default_str();
  app.add_option("--window-seconds", window_seconds, "rate limit window")->capture_default_str();
  app.add_option("--page-size", page_size, "entries per page of tree and commit lists")->capture_default_str();
  app.add_flag("--serve-apps", serve_apps, "point Space hosts at BASE/__emulator/apps/NS/NAME");
  app.add_flag("--verbose", verbose, "log one line per request to stderr");
  CLI11_PARSE(app, argc, argv);

  Options options;
  for (const std::string& t : tokens) {
    TokenGrant grant;
    if (!ParseToken(t, grant)) {
      std::cerr << "hub-emulator: --token wants TOKEN:USER[:ORGS]\n";
      return 2;
    }
    options.tokens.push_back(std::move(grant));
  }
  for (const std::string& m : registry_maps) {
    if (!ParseAssignment(m, options.registry_map)) {
      std::cerr << "hub-emulator: --registry-map wants HOST=BASE_URL\n";
      return 2;
    }
  }
  for (const std::string& c : registry_credentials) {
    if (!ParseAssignment(c, options.registry_credentials)) {
      std::cerr << "hub-emulator: --registry-credentials wants HOST=USER:PASSWORD\n";
      return 2;
    }
  }
  if (budget < 1 || resolver_budget < 1 || window_seconds < 1 || page_size < 1 || build_seconds < 0 ||
      start_seconds < 0) {
    std::cerr << "hub-emulator: budgets, window and page size must be positive, times not negative\n";
    return 2;
  }
  options.unmapped_registry = assume_unmapped ? spaceport::hub_emulator::UnmappedRegistry::kImagePresent
                                              : spaceport::hub_emulator::UnmappedRegistry::kImageMissing;
  options.build_time = std::chrono::milliseconds(static_cast<int64_t>(build_seconds * 1000));
  options.start_time = std::chrono::milliseconds(static_cast<int64_t>(start_seconds * 1000));
  options.rolling_stages = rolling;
  options.api_budget = budget;
  options.resolver_budget = resolver_budget;
  options.window = std::chrono::seconds(window_seconds);
  options.page_size = static_cast<size_t>(page_size);
  options.serve_apps = serve_apps;
  if (verbose) options.request_log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };

  spaceport::emulators::StopSignals stop;  // before any thread starts
  spaceport::hub_emulator::OffsetClock clock(spaceport::RealClock::Instance());
  options.advance_clock = [&clock](spaceport::Clock::Duration d) { clock.Advance(d); };
  spaceport::hub_emulator::HubEmulator hub(std::move(options), clock);
  return spaceport::emulators::ServeUntilStopped("hub-emulator", hub, address, port, stop);
}
