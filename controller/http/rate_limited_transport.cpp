#include "http/rate_limited_transport.h"

#include <algorithm>

namespace spaceport::http {

std::string WholeSeconds(Clock::Duration d) {
  const int64_t ms = std::max<int64_t>(d.count(), 0);
  return std::to_string((ms + 999) / 1000) + " s";
}

RateLimitedTransport::RateLimitedTransport(Transport& inner, std::shared_ptr<RateLimiter> limiter,
                                           RateLimitedTransportOptions options)
    : inner_(inner), limiter_(std::move(limiter)), options_(std::move(options)) {}

Result<Response> RateLimitedTransport::Send(const Request& request) {
  Result<Url> url = Url::Parse(request.url);
  if (!url.ok()) return inner_.Send(request);  // the inner transport says what is wrong with it
  const std::string origin = url->Origin();
  if (!options_.origin.empty() && origin != options_.origin) return inner_.Send(request);

  // The method and origin only: the path and query may name private repositories.
  if (Status admitted = limiter_->Acquire(request.method + " " + origin); !admitted.ok()) {
    return admitted;
  }
  Result<Response> response = inner_.Send(request);
  if (!response.ok()) {
    limiter_->Unanswered();
    return response;
  }
  if (!limiter_->Observe(*response) || !options_.describe_rate_limited) return response;

  std::string message = options_.describe_rate_limited(*response) + " from " + origin;
  if (auto pause = limiter_->PauseRemaining()) {
    message += "; every request to this host is paused for " + WholeSeconds(*pause);
  }
  return Status(StatusCode::kResourceExhausted, std::move(message));
}

}  // namespace spaceport::http
