// What a Hub emulator is configured with: who may call it (tokens → users and their orgs), how
// its Spaces build (delays, which registry a FROM image is checked against), its request
// budget, and paging. Defaults match the real Hub where it documents a number (1,000 API
// requests per 5-minute window; a free cpu-basic Space sleeps after 48 h).
//
//   Options o;
//   o.tokens.push_back({.token = "hf_alice", .user = "alice", .orgs = {"acme"}});
//   o.registry_map["ghcr.io"] = "http://127.0.0.1:5000";   // FROM ghcr.io/... is checked there
//   o.build_time = std::chrono::seconds(30);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/clock.h"

namespace spaceport::hub_emulator {

struct TokenGrant {
  std::string token;               // must start with "hf_" for the official JS client
  std::string user;                // the user the token belongs to
  std::vector<std::string> orgs;   // organizations the user is a member of (write access)
  std::string role = "write";      // "read" tokens can read but every write gets 403
  std::string display_name;        // token name in whoami and in stats; default: the user name
};

// What to assume about a FROM image whose registry host is neither mapped nor on loopback (the
// emulator never reaches the internet).
enum class UnmappedRegistry { kImageMissing, kImagePresent };

struct Options {
  std::vector<TokenGrant> tokens;

  // Registry host as written in a FROM line ("ghcr.io", "docker.io") → base URL the emulator
  // reads manifests from ("http://127.0.0.1:5000"). Loopback hosts ("127.0.0.1:5000",
  // "localhost:5000") are reached over plain http without a mapping.
  std::map<std::string, std::string> registry_map;
  // Registry host → "user:password", sent as Basic credentials (directly or to the token realm).
  std::map<std::string, std::string> registry_credentials;
  UnmappedRegistry unmapped_registry = UnmappedRegistry::kImageMissing;

  // Stage machine: BUILDING lasts build_time, then APP_STARTING lasts start_time, then RUNNING.
  Clock::Duration build_time = std::chrono::seconds(3);
  Clock::Duration start_time = std::chrono::seconds(2);
  // When a build is triggered on a RUNNING Space, report RUNNING_BUILDING/RUNNING_APP_STARTING
  // (the old container keeps serving) instead of BUILDING/APP_STARTING.
  bool rolling_stages = false;

  // Request budget per token and bucket ("api": /api/..., "resolvers": /resolve/ and /raw/),
  // over fixed windows aligned to multiples of `window` since the epoch. Anonymous callers
  // share one budget under the name "anonymous".
  int api_budget = 1000;
  int resolver_budget = 5000;
  std::chrono::seconds window{300};

  // Entries per page of tree listings and commit lists (Link: rel="next" beyond).
  size_t page_size = 1000;

  // Base URL used in returned URLs before the server listens (in-process tests).
  std::string base_url = "http://127.0.0.1";

  // When true, a Space's `host` points at the emulator (BASE/__emulator/apps/NS/NAME), which
  // answers 200 while the Space is RUNNING and 503 otherwise, so health checks can run
  // offline. When false, `host` is https://SUBDOMAIN.hf.space as on the real Hub.
  bool serve_apps = false;

  // Lets POST /__emulator/clock move time (the program passes its offset clock; tests may pass
  // FakeClock::Advance). Unset: that endpoint answers 501.
  std::function<void(Clock::Duration)> advance_clock;

  // Called with one line per request ("GET /api/whoami-v2 -> 200"); never with headers or
  // bodies, so no token reaches it.
  std::function<void(const std::string&)> request_log;
};

}  // namespace spaceport::hub_emulator
