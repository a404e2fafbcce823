// Client policies over a Transport: scheme checks, redirects, retries. Plain C++ (no cpprest),
// so it is tested against a scripted transport and a FakeClock.
#include <algorithm>
#include <atomic>
#include <map>

#include "base/ascii.h"
#include "http/http.h"
#include "http/retry_after.h"

namespace spaceport::http {

struct Client::State {
  // Never reused, unlike the State's address: a client created where a destroyed one lived must
  // not inherit what threads counted for the old one.
  const uint64_t id = [] {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1);
  }();
  std::atomic<int64_t> requests_sent{0};
  std::vector<std::string> insecure_origins;  // normalised through Url::Origin()
};

namespace {

// Requests each thread sent, by client (State::id). A client is shared by every worker, so the
// total cannot say what one worker's pass cost; the budget scheduler needs exactly that.
thread_local std::map<uint64_t, int64_t> t_requests_sent;

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// POST and PATCH may have had an effect even when the answer was an error.
bool IsIdempotent(std::string_view method) {
  return !EqualsIgnoreCase(method, "POST") && !EqualsIgnoreCase(method, "PATCH");
}

// 429 and 503 promise the request was not processed; other 5xx make no such promise.
bool IsSafeToRetryAnyMethod(int status) { return status == 429 || status == 503; }

bool IsRetryableStatus(int status) {
  return status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

void DropCredentials(Headers& headers) {
  headers.Remove("Authorization");
  headers.Remove("Proxy-Authorization");
  headers.Remove("Cookie");
}

// RFC 9110 §15.4: 303 always becomes GET (HEAD stays HEAD); 301/302 turn POST into GET, as every
// browser and cpprestsdk do. The body and its description go with the method change.
void ApplyRedirectMethod(int status, Request& request) {
  const bool to_get =
      (status == 303 && !EqualsIgnoreCase(request.method, "HEAD")) ||
      ((status == 301 || status == 302) && EqualsIgnoreCase(request.method, "POST"));
  if (!to_get) return;
  request.method = "GET";
  request.body.clear();
  for (std::string_view name : {"Content-Type", "Content-Length", "Content-Encoding",
                                "Content-Language", "Content-Location", "Transfer-Encoding"}) {
    request.headers.Remove(name);
  }
}

}  // namespace

namespace {
constexpr std::string_view kTooLarge = ": response body exceeds ";
}  // namespace

Status ResponseTooLarge(std::string_view what, size_t limit) {
  return Status(StatusCode::kResourceExhausted,
                std::string(what) + std::string(kTooLarge) + std::to_string(limit) + " bytes");
}

bool IsResponseTooLarge(const Status& status) {
  // The one message this file makes; a transport's messages never quote a server's words.
  return status.code() == StatusCode::kResourceExhausted &&
         status.message().find(kTooLarge) != std::string::npos;
}

Client::Client(Transport& transport, Clock& clock, ClientOptions options)
    : transport_(transport),
      clock_(clock),
      options_(std::move(options)),
      state_(std::make_shared<State>()) {
  for (const std::string& origin : options_.insecure_origins) {
    Result<Url> url = Url::Parse(origin);
    state_->insecure_origins.push_back(url.ok() ? url->Origin() : AsciiLower(origin));
  }
}

int64_t Client::requests_sent() const { return state_->requests_sent.load(); }

int64_t Client::requests_sent_by_this_thread() const {
  auto it = t_requests_sent.find(state_->id);
  return it == t_requests_sent.end() ? 0 : it->second;
}

namespace {

Status CheckScheme(const Url& url, const std::vector<std::string>& insecure_origins) {
  if (url.scheme == "https") return Status::Ok();
  const std::string origin = url.Origin();
  if (std::find(insecure_origins.begin(), insecure_origins.end(), origin) !=
      insecure_origins.end()) {
    return Status::Ok();
  }
  return FailedPrecondition("plain http to " + origin +
                            " is refused; use https or list the origin in insecure_origins");
}

std::chrono::milliseconds Backoff(const ClientOptions& options, int retry_number) {
  std::chrono::milliseconds wait = options.initial_backoff;
  for (int i = 1; i < retry_number && wait < options.max_backoff; ++i) wait *= 2;
  return std::min(wait, options.max_backoff);
}

// One hop: sends, and resends while the outcome is retryable and attempts remain.
Result<Response> SendWithRetries(Transport& transport, Clock& clock, const ClientOptions& options,
                                 std::atomic<int64_t>& requests_sent, uint64_t client,
                                 const Request& request) {
  const bool may_retry_errors = options.retry_non_idempotent || IsIdempotent(request.method);
  for (int attempt = 1;; ++attempt) {
    Result<Response> r = transport.Send(request);
    requests_sent.fetch_add(1);
    ++t_requests_sent[client];

    std::optional<std::chrono::milliseconds> wait;
    if (!r.ok()) {
      if (r.status().code() != StatusCode::kUnavailable || !may_retry_errors) return r;
    } else {
      const bool retryable =
          IsSafeToRetryAnyMethod(r->status) || (may_retry_errors && IsRetryableStatus(r->status));
      if (!retryable) return r;
      if (auto header = r->headers.Get("Retry-After")) {
        wait = ParseRetryAfter(*header, clock.Now());
        if (wait && *wait > options.max_retry_after) return r;  // the caller decides what next
      }
    }
    if (attempt >= options.max_attempts) return r;
    clock.SleepFor(wait ? *wait : Backoff(options, attempt));
  }
}

}  // namespace

Result<Response> Client::Send(Request request) {
  Result<Url> url = Url::Parse(request.url);
  if (!url.ok()) return url.status();
  if (Status s = CheckScheme(*url, state_->insecure_origins); !s.ok()) return s;

  for (int hop = 0;; ++hop) {
    Result<Response> response =
        SendWithRetries(transport_, clock_, options_, state_->requests_sent, state_->id, request);

    if (!response.ok() || !IsRedirect(response->status) || options_.max_redirects == 0) {
      return response;
    }
    const std::optional<std::string> location = response->headers.Get("Location");
    if (!location) return response;
    if (hop >= options_.max_redirects) {
      return FailedPrecondition("stopped after " + std::to_string(options_.max_redirects) +
                                " redirects (last from " + url->Origin() + ")");
    }
    Result<Url> next = url->Resolve(*location);
    if (!next.ok()) {
      return Status(StatusCode::kUnavailable,
                    "redirect from " + url->Origin() +
                        " has an unusable Location: " + next.status().message());
    }
    if (url->scheme == "https" && next->scheme == "http") {
      return FailedPrecondition("refused a redirect from https to plain http (" + next->Origin() +
                                ")");
    }
    if (Status s = CheckScheme(*next, state_->insecure_origins); !s.ok()) return s;
    if (next->Origin() != url->Origin()) DropCredentials(request.headers);
    ApplyRedirectMethod(response->status, request);
    request.url = next->ToString();
    url = std::move(next);
  }
}

}  // namespace spaceport::http
