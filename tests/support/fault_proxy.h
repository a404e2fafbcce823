// FaultProxy: a loopback HTTP/1.1 proxy that sits between Spaceport and one upstream (the
// registry, the hub-emulator, the github-emulator; later the apiserver) and, by a seeded random
// choice per request, answers 500/502/503, answers 429 with Retry-After (delta-seconds or an
// HTTP-date), resets the connection before the request reaches the upstream or after the
// upstream's headers were relayed, stalls (never answers; or relays half the body and stops),
// truncates the body, or adds latency — or passes the exchange through unchanged, streamed both
// ways (blob uploads, server-sent events). It is a plain socket loop (one thread per connection),
// not the project's http::Server: a Server cannot reset or stall a connection on purpose.
//
// Every request is forwarded with `Connection: close` (and the response relayed with it), so each
// connection carries one request and every request gets its own decision.
//
// Decisions are reproducible: the choice for a request is a pure function of the seed, the
// request's key ("METHOD /path", query dropped, server-chosen ids such as upload UUIDs replaced
// by "*") and how many requests with that key came before (DecideFault below). Concurrent
// requests to different paths therefore get the same decisions in every run with the same
// seed, whatever order they arrive in. Every decision is kept (Decisions()) and handed to
// Options::on_decision, which the program prints one line each, so a failing run's log says what
// each request met and the same --seed replays it.
//
//   support::FaultProxy::Options o;
//   o.name = "hub";
//   o.upstream = hub->base_url();
//   o.seed = 7;
//   o.rates = *support::ParseFaultRates("all=0.3");
//   auto proxy = support::FaultProxy::Start(o);          // listens on 127.0.0.1:free port
//   config.hub.endpoint = (*proxy)->base_url();
//   (*proxy)->SetForced(support::FaultKind::kStatus503);  // the upstream is "down" ...
//   (*proxy)->SetForced(std::nullopt);                    // ... and back
//
// Thread-safe. Stop() (and the destructor) closes every connection, stalled ones included.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"

namespace spaceport::support {

// In the order DecideFault walks the rates (fixed, so a seed means the same thing in every run).
enum class FaultKind {
  kPass,
  kStatus500,
  kStatus502,
  kStatus503,
  kTooManyRetryAfterSeconds,  // 429, Retry-After: N
  kTooManyRetryAfterDate,     // 429, Retry-After: an IMF-fixdate N seconds ahead
  kResetBeforeHeaders,        // RST before anything reaches the upstream
  kResetAfterHeaders,         // the upstream answered (and acted); its headers reach the client, then RST
  kStall,                     // the request is read and never answered
  kStallHalfBody,             // headers and half the body relayed, then nothing more
  kTruncateBody,              // headers and half the body relayed, then the connection closes
  kLatency,                   // passed through after Options::latency
};

// "pass", "500", "502", "503", "429-seconds", "429-date", "reset-before", "reset-after",
// "stall", "stall-half", "truncate", "latency": the names logs and --faults use.
std::string_view FaultKindName(FaultKind kind);
std::optional<FaultKind> FaultKindFromName(std::string_view name);
const std::vector<FaultKind>& AllFaultKinds();  // every kind but kPass, in DecideFault's order

// The probability of each fault kind per request; the rest passes. Sum at most 1.
using FaultRates = std::map<FaultKind, double>;

// "KIND=P,KIND=P,..." with the names above, plus "all=P" (P spread evenly over every kind) and
// "5xx=P" / "429=P" / "reset=P" (spread over that group). Later entries add to earlier ones.
// Errors name the entry: an unknown kind, a probability outside [0, 1], a sum above 1.
Result<FaultRates> ParseFaultRates(std::string_view spec);

// The key a request's decision is drawn for: "METHOD /path" without the query, with every path
// segment of 32 or more characters of [0-9a-fA-F-] (upload UUIDs, session ids) made "*".
std::string FaultKey(std::string_view method, std::string_view target);

// The decision for the `occurrence`-th (0-based) request with `key` under `seed`: a hash of the
// three to a number in [0, 1), looked up in the cumulative rates in FaultKind order.
FaultKind DecideFault(uint64_t seed, std::string_view key, uint64_t occurrence,
                      const FaultRates& rates);

struct FaultDecision {
  int64_t sequence = 0;   // arrival order, from 1
  std::string key;        // FaultKey of the request
  uint64_t occurrence = 0;
  FaultKind kind = FaultKind::kPass;
  std::string rule;       // "seed", "forced" or "stall-path"
  std::chrono::steady_clock::time_point at{};
  // "hub #12 GET /api/spaces/acme/demo [occurrence 3]: 503 (seed)"
  std::string ToString(std::string_view proxy_name) const;
};

class FaultProxy {
 public:
  struct Options {
    std::string name = "proxy";  // in log lines: "hub", "registry", "github"
    std::string upstream;        // http://127.0.0.1:PORT (plain http, loopback)
    std::string address = "127.0.0.1";
    int port = 0;                // 0: a free port
    uint64_t seed = 1;
    FaultRates rates;            // empty: everything passes
    std::chrono::milliseconds latency{300};
    int retry_after_seconds = 1;  // for both 429 forms
    // Requests whose path matches always stall (e.g. one Space's namespace on the Hub).
    std::string stall_path_regex;
    // Called for every decision, on the connection's thread.
    std::function<void(const FaultDecision&)> on_decision;
  };

  static Result<std::unique_ptr<FaultProxy>> Start(Options options);
  ~FaultProxy();
  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string base_url() const;  // http://127.0.0.1:PORT
  std::string endpoint() const;  // 127.0.0.1:PORT

  // Every request meets `kind` while set (an upstream that is down); nullopt: seeded choice again.
  void SetForced(std::optional<FaultKind> kind);
  void SetStallPath(const std::string& regex);  // "" stops stalling by path

  std::vector<FaultDecision> Decisions() const;
  int64_t requests() const { return sequence_.load(); }
  // Decisions by kind name, for reports: {"pass": 120, "503": 9, ...}.
  std::map<std::string, int64_t> CountsByKind() const;

  void Stop();  // idempotent; closes every connection, including stalled ones

 private:
  explicit FaultProxy(Options options);
  void AcceptLoop();
  void Serve(int client);
  FaultDecision Decide(std::string_view method, std::string_view target, std::string_view path);
  void Relay(int client, const std::string& head, std::string pending, FaultKind kind);
  void Hold(int client);  // until the client leaves or Stop()
  bool SleepUnlessStopping(std::chrono::milliseconds d);
  void Track(int fd);
  void Untrack(int fd);

  Options options_;
  int listener_ = -1;
  int port_ = 0;
  std::string upstream_host_;
  int upstream_port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> sequence_{0};
  std::atomic<int> active_{0};

  mutable std::mutex mu_;
  std::optional<FaultKind> forced_;
  std::optional<std::regex> stall_path_;
  std::map<std::string, uint64_t> occurrences_;
  std::vector<FaultDecision> decisions_;
  std::vector<int> open_fds_;
  std::unique_ptr<std::thread> acceptor_;
};

}  // namespace spaceport::support
