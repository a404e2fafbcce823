// The cpprestsdk Transport (one of the two translation units that include cpprestsdk).
// Facts it relies on (shared/reference/cpp-stack.md §0, §6): redirects are followed and
// Authorization forwarded to any host unless max_redirects is 0; set_timeout is an inactivity
// timer whose expiry on a reused connection silently replays the request, so the real deadline
// is a cancellation token and the inactivity timer is set far beyond any deadline;
// web::credentials leaks the plaintext, so Authorization is only ever a plain header.
#include <cpprest/http_client.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/ssl.hpp>
#include <fstream>
#include <map>
#include <mutex>

#include "base/ascii.h"
#include "http/exchange_stats.h"
#include "http/http.h"
#include "http/pplx_wait.h"

namespace spaceport::http {
namespace {

namespace wh = web::http;
namespace whc = web::http::client;

// cpprestsdk reads the socket into its own buffer without back-pressure, so what a fast server
// sends piles up there while each read here hops threads; larger reads keep up better (measured:
// 64 KiB reads let 43 MB pile up behind an 8 MiB cap on loopback).
constexpr size_t kReadChunk = 256 * 1024;

Status Unavailable(const std::string& what, const std::string& detail) {
  return Status(StatusCode::kUnavailable, what + ": " + detail);
}

Status DeadlineExceeded(const std::string& what, std::chrono::milliseconds timeout) {
  return Status(StatusCode::kDeadlineExceeded,
                what + ": no complete response within " + std::to_string(timeout.count()) + " ms");
}

Status TooLarge(const std::string& what, size_t limit) { return ResponseTooLarge(what, limit); }

// Headers cpprestsdk derives itself; a caller's copy would be sent twice or contradict the body.
bool IsTransportManaged(std::string_view name) {
  return EqualsIgnoreCase(name, "Host") || EqualsIgnoreCase(name, "Content-Length") ||
         EqualsIgnoreCase(name, "Transfer-Encoding") || EqualsIgnoreCase(name, "Connection");
}

bool MethodHasBodySemantics(std::string_view method) {
  return EqualsIgnoreCase(method, "POST") || EqualsIgnoreCase(method, "PUT") ||
         EqualsIgnoreCase(method, "PATCH");
}

// Applies the TLS options to one OpenSSL context. Only error_code overloads: this also runs inside
// cpprestsdk's connection setup, where an exception would escape on a pool thread. Messages are
// fixed phrases (OpenSSL's reasons can quote input), so no PEM byte ever reaches a Status.
Status ConfigureTls(boost::asio::ssl::context& ctx, const TransportOptions& options) {
  namespace ssl = boost::asio::ssl;
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  // OpenSSL's default passphrase callback prompts on the terminal for an encrypted key, which
  // would block a controller forever; an empty passphrase makes such a key fail instead.
  boost::system::error_code ec;
  ctx.set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); }, ec);
  if (!options.ca_bundle_file.empty()) {
    ctx.load_verify_file(options.ca_bundle_file, ec);
    if (ec) {
      return FailedPrecondition("CA bundle " + options.ca_bundle_file +
                                " holds no usable PEM certificate");
    }
  }
  if (!options.ca_pem.empty()) {
    ctx.add_certificate_authority(boost::asio::buffer(options.ca_pem), ec);
    if (ec) return FailedPrecondition("the trusted CA certificates (ca_pem) are not valid PEM");
  }
  if (options.client_cert_pem.empty() != options.client_key_pem.empty()) {
    return FailedPrecondition(
        "a TLS client certificate (client_cert_pem) and its key (client_key_pem) go together; "
        "only one of them is set");
  }
  if (options.client_cert_pem.empty()) return Status::Ok();
  ctx.use_certificate_chain(boost::asio::buffer(options.client_cert_pem), ec);
  if (ec) {
    return FailedPrecondition(
        "the TLS client certificate (client_cert_pem) is not a valid PEM certificate chain");
  }
  ctx.use_private_key(boost::asio::buffer(options.client_key_pem), ssl::context::pem, ec);
  if (ec || SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    return FailedPrecondition(
        "the TLS client key (client_key_pem) is not an unencrypted PEM private key matching the "
        "client certificate");
  }
  return Status::Ok();
}

// What ConfigureTls would say, checked once on a scratch context when the transport is made.
Status CheckTlsOptions(const TransportOptions& options) {
  if (!options.ca_bundle_file.empty() && !std::ifstream(options.ca_bundle_file).good())
    return FailedPrecondition("CA bundle " + options.ca_bundle_file + " cannot be read");
  try {
    boost::asio::ssl::context scratch(boost::asio::ssl::context::tls_client);
    Status status = ConfigureTls(scratch, options);
    ERR_clear_error();  // OpenSSL's error queue is per thread: leave nothing for its next user
    return status;
  } catch (const std::exception&) {  // SSL_CTX_new failed: nothing TLS can work
    ERR_clear_error();
    return FailedPrecondition("TLS cannot be set up (OpenSSL could not create a context)");
  }
}

class CpprestTransport final : public Transport {
 public:
  explicit CpprestTransport(TransportOptions options)
      : options_(std::move(options)), tls_error_(CheckTlsOptions(options_)) {}

  Result<Response> Send(const Request& request) override;

 private:
  Result<Response> SendOnce(const Request& request);
  std::shared_ptr<whc::http_client> ClientFor(const std::string& origin);

  const TransportOptions options_;
  const Status tls_error_;  // unusable TLS options: every https request fails with it
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<whc::http_client>> clients_;  // by origin
};

std::shared_ptr<whc::http_client> CpprestTransport::ClientFor(const std::string& origin) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = clients_.find(origin);
  if (it != clients_.end()) return it->second;

  whc::http_client_config config;
  config.set_max_redirects(0);  // the Client follows redirects and drops credentials itself
  config.set_timeout(std::chrono::hours(24));  // see the file comment: the token is the deadline
  config.set_validate_certificates(!options_.insecure_skip_tls_verify);
  // cpprestsdk builds a fresh context for every new connection (after set_default_verify_paths)
  // and calls this on it. The options were checked on a scratch context up front (tls_error_),
  // and no https request is sent when they failed, so the result can be ignored here.
  config.set_ssl_context_callback(
      [options = options_](boost::asio::ssl::context& ctx) { (void)ConfigureTls(ctx, options); });
  auto client = std::make_shared<whc::http_client>(web::uri(origin), config);
  clients_.emplace(origin, client);
  return client;
}

Result<Response> CpprestTransport::Send(const Request& request) {
  Result<Response> response = SendOnce(request);
  if (Result<Url> url = Url::Parse(request.url); url.ok())
    RecordExchange(url->HostPort(), response.ok() ? std::to_string(response->status) : "error");
  return response;
}

Result<Response> CpprestTransport::SendOnce(const Request& request) {
  Result<Url> url = Url::Parse(request.url);
  if (!url.ok()) return url.status();
  if (url->scheme == "https" && !tls_error_.ok()) return tls_error_;
  const std::string what = request.method + " " + url->Origin();
  const auto deadline = std::chrono::steady_clock::now() + request.timeout;

  wh::http_request req;
  std::shared_ptr<whc::http_client> client;
  try {
    req.set_method(request.method);
    req.set_request_uri(web::uri(url->path_and_query));
    client = ClientFor(url->Origin());
  } catch (const std::exception&) {
    return InvalidArgument(what + ": the URL is not accepted by the HTTP library");
  }
  std::optional<std::string> content_type;
  for (const auto& [name, value] : request.headers.items()) {
    if (IsTransportManaged(name)) continue;
    if (EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
      continue;
    }
    req.headers().add(name, value);
  }
  if (!request.body.empty() || content_type) {
    req.set_body(std::string(request.body), content_type.value_or("application/octet-stream"));
    if (content_type) req.headers().set_content_type(*content_type);  // verbatim, no charset added
  } else if (MethodHasBodySemantics(request.method)) {
    req.headers().set_content_length(0);  // registries reject a bodiless POST/PUT without it
  }

  pplx::cancellation_token_source cts;
  std::future<wh::http_response> response_future;
  try {
    response_future = ToFuture(client->request(req, cts.get_token()));
  } catch (const std::exception& e) {
    return Unavailable(what, e.what());
  }
  const std::atomic<bool>* cancel = request.cancel.get();
  if (!AwaitOrCancel(response_future, deadline, cts, cancel))
    return DeadlineExceeded(what, request.timeout);

  wh::http_response response;
  try {
    response = response_future.get();
  } catch (const std::exception& e) {
    // cpprestsdk's messages are fixed phrases ("Failed to connect to any resolved endpoint"),
    // never the URL or headers, so they are safe to pass on.
    return Unavailable(what, e.what());
  }

  Response out;
  out.status = response.status_code();
  for (const auto& [name, value] : response.headers()) out.headers.Add(name, value);
  // Request::on_body: a 2xx body goes to the callback, and the deadline ends it without error.
  const bool streaming = request.on_body && out.status >= 200 && out.status < 300;
  const size_t limit = request.max_response_bytes != 0
                           ? std::min(request.max_response_bytes, options_.max_response_bytes)
                           : options_.max_response_bytes;
  size_t streamed = 0;  // a stream ends (as complete) after request.max_response_bytes
  if (!streaming && response.headers().has(wh::header_names::content_length) &&
      response.headers().content_length() > limit) {
    cts.cancel();  // abandons the body: the connection is closed instead of drained
    return TooLarge(what, limit);
  }

  // Read the body in chunks so the limit bounds memory even for chunked responses. The chunk
  // buffer is owned by the read's continuation (see AwaitOrCancel).
  auto body = response.body().streambuf();
  auto chunk = std::make_shared<std::vector<uint8_t>>(kReadChunk);
  for (;;) {
    std::future<size_t> read;
    try {
      // getn completes only when the whole count is buffered (or at the end), so a stream asks
      // for what is already there, or for one byte to wait on.
      const size_t want =
          streaming ? std::clamp<size_t>(body.in_avail(), 1, chunk->size()) : chunk->size();
      read = ToFuture(body.getn(chunk->data(), want).then([chunk](size_t n) { return n; }));
    } catch (const std::exception& e) {
      return Unavailable(what, std::string("reading the response body: ") + e.what());
    }
    if (!AwaitOrCancel(read, deadline, cts, cancel)) {
      if (streaming) return out;  // the stream's time is up: what arrived is the answer
      return DeadlineExceeded(what, request.timeout);
    }
    size_t n = 0;
    try {
      n = read.get();
    } catch (const std::exception& e) {
      return Unavailable(what, std::string("reading the response body: ") + e.what());
    }
    if (n == 0) break;
    if (streaming) {
      if (!request.on_body(std::string_view(reinterpret_cast<const char*>(chunk->data()), n))) {
        cts.cancel();  // the caller has enough; drop the connection rather than drain it
        return out;
      }
      streamed += n;
      if (request.max_response_bytes != 0 && streamed >= request.max_response_bytes) {
        cts.cancel();  // enough of a stream that would go on for ever: what arrived is the answer
        return out;
      }
      continue;
    }
    if (out.body.size() + n > limit) {
      cts.cancel();
      return TooLarge(what, limit);
    }
    out.body.append(reinterpret_cast<const char*>(chunk->data()), n);
  }
  return out;
}

}  // namespace

std::unique_ptr<Transport> MakeTransport(const TransportOptions& options) {
  return std::make_unique<CpprestTransport>(options);
}

}  // namespace spaceport::http
