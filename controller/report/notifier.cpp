#include "report/notifier.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <utility>

#include "base/digest.h"
#include "http/retry_after.h"

namespace spaceport::report {
namespace {

// A receiver's Retry-After is honoured up to this; longer waits would hold the queue (and
// shutdown) for a notification that is stale by then.
constexpr Clock::Duration kMaxRetryAfter = std::chrono::seconds(60);

// What may be said about the receiver in a log line: its origin, never the path or query (a
// Slack incoming-webhook URL is a bearer token in its path).
std::string SafeOrigin(const std::string& url) {
  Result<http::Url> parsed = http::Url::Parse(url);
  return parsed.ok() ? parsed->Origin() : "<unparseable notify URL>";
}

// Worth another try: no answer, a server error, a timeout or rate limit. Any other 4xx means
// the URL or body is wrong (Slack answers 403/404 for a revoked webhook) and will stay wrong.
bool Retryable(const Result<http::Response>& r) {
  if (!r.ok()) return r.status().code() == StatusCode::kUnavailable ||
                      r.status().code() == StatusCode::kDeadlineExceeded;
  return r->status >= 500 || r->status == 408 || r->status == 429;
}

std::string Outcome(const Result<http::Response>& r) {
  if (!r.ok()) return r.status().ToString();
  return "HTTP " + std::to_string(r->status);
}

}  // namespace

Status CheckNotifierOptions(const NotifierOptions& options) {
  Result<http::Url> url = http::Url::Parse(options.url);
  if (!url.ok()) return InvalidArgument("--notify: " + url.status().message());
  if (url->scheme == "http") {
    const std::string origin = url->Origin();
    bool allowed = false;
    for (const std::string& o : options.insecure_origins) {
      Result<http::Url> listed = http::Url::Parse(o);
      if (listed.ok() && listed->Origin() == origin) allowed = true;
    }
    if (!allowed)
      return InvalidArgument("--notify: plain http to " + origin + " is refused; use https");
  }
  if (options.attempts < 1) return InvalidArgument("notifier attempts must be at least 1");
  return Status::Ok();
}

Notifier::Notifier(NotifierOptions options, http::Transport& transport, Clock& clock)
    : options_(std::move(options)), transport_(transport), clock_(clock) {
  if (options_.attempts < 1) options_.attempts = 1;
  thread_ = std::thread([this] { Loop(); });
}

Notifier::~Notifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

std::string Notifier::Fingerprint(const Notification& n) const {
  // The JSON form covers every field; only the time is left out, so the same news reported
  // again a minute later is recognised as the same.
  Json j = NotificationToJson(n);
  j.Erase("time");
  return Sha256Hex(j.Dump());
}

bool Notifier::Notify(const Notification& n) {
  Notification queued = n;
  const Clock::TimePoint now = clock_.Now();
  if (queued.time.empty()) queued.time = FormatRfc3339(now);
  const std::string fingerprint = Fingerprint(queued);
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Forget what is older than the window, so the map stays as small as the recent news.
    std::erase_if(last_sent_,
                  [&](const auto& entry) { return now - entry.second >= options_.dedupe_window; });
    if (last_sent_.count(fingerprint) > 0) {
      ++stats_.duplicates;
      return false;
    }
    if (stopping_ || queue_.size() >= options_.max_queue) {
      ++stats_.dropped;
      return false;
    }
    last_sent_[fingerprint] = now;
    queue_.push_back(std::move(queued));
  }
  cv_.notify_all();
  return true;
}

void Notifier::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && in_flight_ == 0; });
}

NotifierStats Notifier::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void Notifier::Loop() {
  // The Client adds the https guard; retries and redirects are handled here (a webhook that
  // redirects is misconfigured, and following it would send the body somewhere unchosen).
  http::ClientOptions client_options;
  client_options.max_redirects = 0;
  client_options.max_attempts = 1;
  client_options.insecure_origins = options_.insecure_origins;
  http::Client client(transport_, clock_, client_options);
  const std::string origin = SafeOrigin(options_.url);

  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has been tried
    Notification n = std::move(queue_.front());
    queue_.pop_front();
    ++in_flight_;
    const int attempts = stopping_ ? 1 : options_.attempts;
    lock.unlock();

    http::Request request;
    request.method = "POST";
    request.url = options_.url;
    request.headers.Add("Content-Type", "application/json");
    request.headers.Add("User-Agent", "spaceport");
    request.body = (options_.format == NotifyFormat::kSlack ? NotificationToSlack(n)
                                                             : NotificationToJson(n))
                       .Dump();
    request.timeout = std::chrono::seconds(10);

    bool delivered = false;
    int tried = 0;
    std::string last_outcome;
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      Result<http::Response> r = client.Send(request);
      ++tried;
      if (r.ok() && r->status >= 200 && r->status < 300) {
        delivered = true;
        break;
      }
      last_outcome = Outcome(r);
      if (!Retryable(r) || attempt == attempts) break;
      Clock::Duration pause = options_.retry_pause;
      if (r.ok()) {
        if (auto header = r->headers.Get("Retry-After")) {
          if (auto wait = http::ParseRetryAfter(*header, clock_.Now()))
            pause = std::min(std::max(pause, *wait), kMaxRetryAfter);
        }
      }
      clock_.SleepFor(pause);
    }

    if (!delivered) {
      std::string line = "notify: " + std::string(to_string(n.event)) + " for " + n.deployment +
                         " to " + origin + " dropped after " + std::to_string(tried) +
                         (tried == 1 ? " attempt: " : " attempts: ") + last_outcome;
      if (options_.log) {
        options_.log(line);
      } else {
        std::fprintf(stderr, "%s\n", line.c_str());
      }
    }

    const std::string fingerprint = delivered ? "" : Fingerprint(n);
    lock.lock();
    stats_.attempts += tried;
    if (delivered) {
      ++stats_.sent;
    } else {
      ++stats_.failed;
      // Not delivered, so not news already told: the next transition may try again at once.
      last_sent_.erase(fingerprint);
    }
    --in_flight_;
    cv_.notify_all();
  }
}

}  // namespace spaceport::report
