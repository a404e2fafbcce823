// Rate limiting of one API host: the RateLimiter contract, and RateLimitedTransport, the
// Transport decorator that puts every request to that host through a limiter.
//
// A RateLimiter is shared (std::shared_ptr) by every caller of one host — all reconcile workers,
// all clients — so "pause the host, not the process" holds: Acquire admits one request (waiting
// on the injected Clock, or refusing with kResourceExhausted when the wait would be too long),
// and Observe reads each answer, so a 429 seen by one worker pauses the host for all of them.
// Three implementations: http::TokenBucket (token_bucket.h; registries), hub::HostBudget (the
// Hub's fixed 5-minute window) and github::RateBudget (GitHub's remaining/reset headers).
//
// The decorator sits between an http::Client and the real transport, so every attempt the Client
// makes — first tries, retries, same-origin redirect hops — is admitted and observed, while
// requests to other origins (a CDN a download redirects to) pass through uncharged. A request
// the limiter refuses is not sent; its Status comes back instead. A rate-limit answer comes back
// as a response (the Client retries it after Retry-After, by which time the limiter has paused
// every other caller too), or, with `describe_rate_limited` set, as a kResourceExhausted failure
// that the Client does not retry, leaving the limiter to decide when the host is tried again.
//
//   auto bucket = std::make_shared<http::TokenBucket>(clock, http::TokenBucketOptions{});  // 20/s
//   http::RateLimitedTransport wire(*real_transport, bucket, {.origin = "https://ghcr.io"});
//   http::Client client(wire, clock, {});   // every request to ghcr.io takes a token first
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/status.h"
#include "http/http.h"

namespace spaceport::http {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Admits one request, waiting while the limiter allows; kResourceExhausted naming `what` and
  // when the host is available again when it may not wait. `what` must not carry a URL path,
  // query or header (it ends up in status messages).
  virtual Status Acquire(std::string_view what) = 0;
  // Reads an answer of the host; true when it was a rate-limit answer (the host is now paused).
  virtual bool Observe(const Response& response) = 0;
  // How long the pause in force still lasts; nullopt when none is.
  virtual std::optional<Clock::Duration> PauseRemaining() const = 0;
  // An admitted request got no answer (the transport failed), so Observe will not see it; for
  // limiters that count the requests still on their way.
  virtual void Unanswered() {}
};

struct RateLimitedTransportOptions {
  // Only requests to this origin (scheme://host[:port]) are charged; empty = every request.
  std::string origin{};
  // When set, a rate-limit answer becomes kResourceExhausted with the message
  // "<describe(response)> from <origin>; every request to this host is paused for N s".
  std::function<std::string(const Response&)> describe_rate_limited{};
};

class RateLimitedTransport : public Transport {
 public:
  // `inner` must outlive this.
  RateLimitedTransport(Transport& inner, std::shared_ptr<RateLimiter> limiter,
                       RateLimitedTransportOptions options);

  Result<Response> Send(const Request& request) override;

  RateLimiter& limiter() const { return *limiter_; }

 private:
  Transport& inner_;
  std::shared_ptr<RateLimiter> limiter_;
  RateLimitedTransportOptions options_;
};

// "12 s": a duration rounded up to whole seconds, as rate-limit messages state waits.
std::string WholeSeconds(Clock::Duration d);

}  // namespace spaceport::http
