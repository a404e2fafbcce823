// HTTP for Spaceport: requests and responses as plain values, a Transport that sends exactly one
// request (one hop, no redirects followed, no retries), a Client that adds the policies every
// caller needs, and a Server for probes, webhooks and test emulators.
//
// This folder is the only one that includes cpprestsdk (archived upstream; see
// shared/reference/cpp-stack.md). Everything else sees these types only, so the backend can be
// swapped (libcurl, Boost.Beast) by writing one new Transport and Server.
//
//   auto transport = http::MakeTransport({});
//   http::Client client(*transport, RealClock::Instance(), {});
//   http::Request req{"GET", "https://ghcr.io/v2/", {{"Accept", "application/json"}}};
//   Result<http::Response> r = client.Send(req);
//   if (r.ok() && r->status == 200) use(r->body);
//
// Thread-safety: Transport, Client and Server are safe to use from many threads.
//
// Threads: Transport::Send and Client::Send block the calling thread until the exchange ends.
// Call them from your own threads (reconcile workers, main, tests), never from a Server handler
// or any other cpprestsdk pool thread: blocking pool threads deadlocks cpprestsdk's fixed pool.
// The library never sizes that pool (crossplat::threadpool::initialize_with_threads throws when
// called twice); main() may call it once, before the first request, to shrink the default 40.
//
// Related headers: header_lists.h (splitting Link / WWW-Authenticate values), query.h (query
// strings), retry_after.h (Retry-After and HTTP-dates).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"

namespace spaceport::http {

// Headers in arrival order; names compare case-insensitively. Repeated headers stay separate.
class Headers {
 public:
  Headers() = default;
  Headers(std::initializer_list<std::pair<std::string, std::string>> init) : items_(init) {}

  void Add(std::string name, std::string value) { items_.emplace_back(std::move(name), std::move(value)); }
  // Replaces every header of that name with one value.
  void Set(std::string_view name, std::string value);
  void Remove(std::string_view name);
  // First value of the header, if any.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value of the header, in order (a "Link" or "WWW-Authenticate" may repeat).
  // Note: responses from the cpprestsdk Transport arrive with repeated headers already merged
  // into one value joined by ", " (the Server keeps them separate), so GetAll usually returns one
  // element there; split list-valued headers with SplitHeaderList / SplitChallenges
  // (header_lists.h), which respect quoted strings and <URI> brackets.
  std::vector<std::string> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  std::string method = "GET";
  std::string url;  // absolute: http(s)://host[:port]/path?query
  Headers headers;
  std::string body;
  // A real deadline for the whole exchange (not an inactivity timer).
  std::chrono::milliseconds timeout{30000};
  // Optional streaming, for bodies that never end (server-sent events such as the Hub's logs):
  // when set, the body of a 2xx response is handed to this callback piece by piece as it
  // arrives instead of being collected in Response::body. Returning false stops reading (the
  // connection is dropped) and the response is returned as complete; so is reaching `timeout`
  // after the headers arrived, instead of failing with kDeadlineExceeded. Streamed bytes are
  // limited only by Request::max_response_bytes (below), not the transport's cap. A Transport that cannot
  // stream may ignore it and fill Response::body, so callers must read both.
  std::function<bool(std::string_view chunk)> on_body{};
  // Optional: when the flag becomes true the exchange is abandoned within about 100 ms — a
  // streaming response then returns as complete (as at its timeout), any other exchange fails
  // with kDeadlineExceeded. Lets a long watch end at once when its owner stops.
  std::shared_ptr<const std::atomic<bool>> cancel{};
  // A cap on this response's body for answers whose size is known to be small (an OCI manifest:
  // 4 MiB; a JSON answer: a few MiB), tighter than the transport's own
  // (TransportOptions::max_response_bytes, which applies when this is 0 or larger). Over it the
  // exchange fails with kResourceExhausted naming the cap, and the transport stops reading at
  // once (the connection is dropped, not drained). cpprestsdk reads ahead of the caller without
  // back-pressure, so a fast server costs a small multiple of the cap (measured in the Lying*
  // tests), not gigabytes. A streamed body (on_body) that reaches this many bytes ends as at its
  // timeout: the response returns as complete, with what arrived.
  size_t max_response_bytes = 0;
};

class ResponseStream;  // http/response_stream.h

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  // Server responses only: a body written over time (server-sent events). When set, the Server
  // sends the status and headers at once and then what the stream's owner writes, until it
  // closes the stream or the client leaves; `body` is ignored. Transports never set it.
  std::shared_ptr<ResponseStream> stream{};
};

// Parsed absolute URL. Resolve() handles relative references (RFC 3986 §5), as registries send
// relative upload Locations.
struct Url {
  std::string scheme;  // http or https
  std::string host;    // without brackets
  int port = 0;        // explicit or the scheme default
  std::string path_and_query;  // starts with '/'

  static Result<Url> Parse(std::string_view text);
  std::string Origin() const;      // scheme://host[:port] (default ports omitted)
  std::string HostPort() const;    // host[:port] as in Origin(): how metrics and limits name a host
  std::string ToString() const;    // Origin() + path_and_query
  Result<Url> Resolve(std::string_view reference) const;
};

std::string UrlEncode(std::string_view s);  // percent-encodes all but unreserved characters

// True for 127.0.0.0/8, ::1 and localhost (a Url's host): where plain http may be allowed.
bool IsLoopbackHost(std::string_view host);

// Options of the cpprestsdk transport.
struct TransportOptions {
  // PEM bundle trusted in addition to the system store (cpprestsdk loads the system paths
  // first); empty = system store only. An unreadable file fails every https request.
  std::string ca_bundle_file;
  // PEM certificates trusted in addition to the system store and ca_bundle_file (a Kubernetes
  // cluster's CA from a kubeconfig or a service account's ca.crt).
  std::string ca_pem;
  // A client certificate (PEM, leaf first, then any intermediates) and its unencrypted PEM
  // private key, presented when the server asks for one (Kubernetes x509 client auth). Both or
  // neither. Invalid PEM, an encrypted key or a key that does not match fails every https request
  // with kFailedPrecondition; no message ever contains the key's bytes.
  std::string client_cert_pem;
  std::string client_key_pem;
  // Accepts any server certificate, without checking issuer or host name: an attacker on the path
  // can read and change everything. Only for an explicit user choice (a kubeconfig's
  // insecure-skip-tls-verify), never as a default or a fallback after a TLS error.
  bool insecure_skip_tls_verify = false;
  size_t max_response_bytes = 64 * 1024 * 1024;  // larger bodies fail with kResourceExhausted
};

// Sends one request and returns the response as received (3xx included). Fails only when no
// HTTP response arrived (connection refused, TLS failure, deadline), with kUnavailable or
// kDeadlineExceeded; the message names the method and origin, never the path, query or headers.
// A body over max_response_bytes fails with kResourceExhausted; an unusable URL with
// kInvalidArgument. Send blocks the calling thread (see the note at the top).
class Transport {
 public:
  virtual ~Transport() = default;
  virtual Result<Response> Send(const Request& request) = 0;
};

// The failure of a body over its cap: "<METHOD origin>: response body exceeds N bytes", with
// kResourceExhausted. Rate limiters fail with kResourceExhausted too, so a client that maps that
// code to RateLimited asks this first: a server sending too much is its fault, not a budget.
Status ResponseTooLarge(std::string_view what, size_t limit);
bool IsResponseTooLarge(const Status& status);

// The cpprestsdk Transport: one keep-alive http_client per origin, created on first use and
// shared by all threads; redirects are never followed (3xx come back as responses); the
// Authorization header is sent exactly as given (web::credentials is never used: it leaks);
// Request::timeout is enforced with a cancellation token, so it bounds the whole exchange.
std::unique_ptr<Transport> MakeTransport(const TransportOptions& options);

// Policies on top of a Transport.
//
// Retries: 429, 503 and (for idempotent methods) other 5xx except 501/505 and kUnavailable
// transport failures. kDeadlineExceeded is not retried: Request::timeout is the caller's budget
// for one attempt, and retrying would multiply it. The wait before retry n (n = 1, 2, ...) is
// initial_backoff * 2^(n-1) capped at max_backoff, without jitter (deterministic; spreading load
// across hosts is the runtime's rate budget's job), or exactly the Retry-After value if present.
struct ClientOptions {
  // Hops followed per Send; a longer chain fails with kFailedPrecondition. 0 = follow none and
  // return 3xx responses to the caller (e.g. to read headers of the first hop).
  int max_redirects = 5;
  int max_attempts = 4;  // total tries for retryable outcomes (5xx, 429, transport errors)
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
  // Retry-After values above this are not waited for; the 429/503 is returned to the caller.
  std::chrono::milliseconds max_retry_after{60000};
  bool retry_non_idempotent = false;  // POST/PATCH are retried only on 429 and 503 when false
  // Origins (scheme://host[:port]) allowed to use plain http. Others must be https.
  std::vector<std::string> insecure_origins;
};

// Follows redirects itself and drops Authorization (and Cookie) on a hop to another origin;
// retries 5xx/429/transport failures with exponential backoff honouring Retry-After (seconds or
// HTTP-date), sleeping on the injected Clock; refuses plain http unless the origin is listed as
// insecure; never lets a credential reach a log (see Redact).
class Client {
 public:
  Client(Transport& transport, Clock& clock, ClientOptions options);
  Result<Response> Send(Request request);
  // Requests actually sent on the wire (each hop and each retry), for tests and benchmarks.
  int64_t requests_sent() const;
  // Of them, those the calling thread sent: what one worker's pass cost, though the client is
  // shared by every worker (take the difference before and after the pass).
  int64_t requests_sent_by_this_thread() const;

 private:
  struct State;
  Transport& transport_;
  Clock& clock_;
  ClientOptions options_;
  std::shared_ptr<State> state_;
};

// "Bearer abc…" → "Bearer <redacted>"; for logging headers. Credential-bearing headers
// (Authorization, Proxy-Authorization, Cookie, Set-Cookie, and names containing "api-key",
// "apikey", "token", "secret" or "password") are redacted; other values come back unchanged.
std::string Redact(std::string_view header_name, std::string_view value);
// A copy of the headers with every value passed through Redact.
Headers Redacted(const Headers& headers);

// A small HTTP/1.1 server (server_socket.cpp, POSIX sockets; no cpprestsdk): for /healthz,
// /metrics, webhook receivers, the ops console and the test emulators. One event-loop thread
// (epoll) reads and writes every connection; a fixed pool of `handler_threads` runs handlers, so a
// connection never holds a thread and a slow handler does not stop others being read. Handlers may
// block briefly; while every pool thread is busy, new requests wait.
// Addresses: IPv4 or IPv6 literals ("127.0.0.1", "0.0.0.0", "::1", "::"; brackets allowed). "::"
// also takes IPv4 where the OS allows it (IPV6_V6ONLY is turned off).
// The response is sent as given: status, headers (Content-Type verbatim; Content-Length is
// computed from the body; Connection and Transfer-Encoding are the server's), body. A HEAD
// response carries the body's Content-Length and no body. A streamed response (Response::stream)
// holds a connection but no thread: it is sent chunked (raw to an HTTP/1.0 client) and the
// connection closes when it ends; Stop() ends every open stream (flushing up to 1 s).
// Connections are kept alive between requests (pipelined requests are answered in order).
// Hostile clients are bounded by the Options below: a request line over max_request_line_bytes
// gets 414, headers over max_header_bytes 431, a body over max_body_bytes 413 (by Content-Length
// before any body byte is read, or as a chunked body grows) — none reaches the handler; a request
// whose headers are not complete within header_timeout, whose body pauses longer than
// body_idle_timeout or which is not complete within request_timeout gets 408 and is closed
// (slowloris); connections beyond max_connections are answered 503 (Retry-After: 1) and closed.
// Starting raises the process's soft descriptor limit towards the hard one when it is below
// 2 × max_connections + 256.
// After Stop() returns no handler is running and none will be called again; so Stop() must not
// be called from inside a handler. A handler exception becomes a 500.
class Server {
 public:
  struct Options {
    std::string address = "127.0.0.1";
    int port = 0;  // 0: the kernel picks a free port; see port()
    size_t max_body_bytes = 1024 * 1024;  // larger requests get 413 without reaching the handler
    size_t max_request_line_bytes = 8 * 1024;  // 414 beyond
    size_t max_header_bytes = 32 * 1024;       // 431 beyond (all header lines together)
    int max_connections = 2048;                // open connections; more are answered 503
    int handler_threads = 4;                   // the fixed handler pool
    std::chrono::milliseconds header_timeout{10000};      // request line + headers, from the first byte
    std::chrono::milliseconds body_idle_timeout{10000};   // longest pause between body bytes
    std::chrono::milliseconds request_timeout{30000};     // the whole request, from its first byte
    std::chrono::milliseconds keep_alive_timeout{30000};  // an idle connection between requests
    std::chrono::milliseconds write_idle_timeout{30000};  // a response the client does not read
  };
  struct IncomingRequest {
    std::string method;
    std::string path;   // decoded path without query
    std::string query;  // raw query string without '?'
    Headers headers;
    std::string body;
    // Query parameter values (decoded), in order; a key may repeat (scope=a&scope=b).
    std::vector<std::string> QueryValues(std::string_view key) const;
    std::optional<std::string> QueryValue(std::string_view key) const;
  };
  using Handler = std::function<Response(const IncomingRequest&)>;

  virtual ~Server() = default;
  virtual int port() const = 0;
  // http://127.0.0.1:PORT or http://[::1]:PORT (0.0.0.0 shows as 127.0.0.1, :: as [::1])
  virtual std::string base_url() const = 0;
  virtual void Stop() = 0;                   // idempotent
};

// Starts listening before returning. A handler exception becomes a 500.
Result<std::unique_ptr<Server>> StartServer(const Server::Options& options, Server::Handler handler);

}  // namespace spaceport::http
