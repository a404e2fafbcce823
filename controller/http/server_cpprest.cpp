// The cpprestsdk Server (one of the two translation units that include cpprestsdk).
// Facts it works around (shared/reference/cpp-stack.md §4.6, §6.5): http_listener has no body
// limit and cannot report a port it picked; a request never replied to hangs forever; close()
// aborts in-flight requests without waiting for handlers. Everything here runs on pool threads
// as continuations and never blocks except inside the user's handler.
#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>

#include <condition_variable>
#include <mutex>

#include "http/ascii.h"
#include "http/free_port.h"
#include "http/http.h"
#include "http/response_stream.h"

namespace spaceport::http {
namespace {

namespace wh = web::http;
namespace whl = web::http::experimental::listener;

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kPortAttempts = 5;

// What the listener's callbacks share with the Server object; it outlives both.
struct Shared {
  Server::Handler handler;
  size_t max_body_bytes = 0;
  std::mutex mu;
  std::condition_variable idle;
  int handlers_running = 0;
  bool stopped = false;
  std::vector<std::weak_ptr<ResponseStream>> streams;  // open streamed responses, closed by Stop
};

using ByteBuffer = concurrency::streams::producer_consumer_buffer<uint8_t>;

// A streamed response: the listener reads the body from a producer/consumer buffer, sending each
// piece as a chunk as soon as it is flushed. Its reply task ends with an error when the client
// has gone (the next chunk cannot be written): then the stream is detached. A client that does
// not read lets bytes pile up in the buffer; past the stream's limit the stream is closed.
void ReplyStreamed(const std::shared_ptr<Shared>& shared, wh::http_request& req, wh::http_response& out,
                   const std::string& content_type, const std::shared_ptr<ResponseStream>& stream) {
  auto buffer = std::make_shared<ByteBuffer>();
  out.set_body(concurrency::streams::istream(*buffer), content_type);
  out.headers().set_content_type(content_type);
  {
    std::lock_guard<std::mutex> lock(shared->mu);
    if (shared->stopped) {
      stream->Close();
    } else {
      std::erase_if(shared->streams, [](const std::weak_ptr<ResponseStream>& s) { return s.expired(); });
      shared->streams.push_back(stream);
    }
  }
  const size_t limit = stream->max_pending_bytes();
  ResponseStream::Sink sink;
  sink.write = [buffer, limit](std::string_view bytes) {
    try {
      if (static_cast<size_t>(buffer->in_avail()) + bytes.size() > limit) return false;
      // In-memory: putn and sync complete at once; sync wakes the listener's pending read.
      buffer->putn_nocopy(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()).get();
      buffer->sync().get();
      return true;
    } catch (...) {
      return false;
    }
  };
  sink.finish = [buffer] {
    try {
      buffer->close(std::ios_base::out).wait();
    } catch (...) {
    }
  };
  try {
    std::weak_ptr<ResponseStream> weak = stream;
    req.reply(out).then([weak, buffer](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (...) {
      }
      if (auto s = weak.lock()) s->Detach();  // ended (client gone, or finished): no more writes
      try {
        buffer->close().wait();
      } catch (...) {
      }
    });
  } catch (...) {
    stream->Detach();
    return;
  }
  stream->Attach(std::move(sink));
}

Response PlainText(int status, std::string body) {
  return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

// The listener sends a reply only after it has read the whole request body (it cannot be told
// to stop reading), so 413 also closes the connection rather than accept another such body.
Response TooLarge() {
  Response r = PlainText(413, "request body too large\n");
  r.headers.Add("Connection", "close");
  return r;
}

// Sends the reply without waiting for it; a failure (client gone, listener closed) is observed
// and dropped, as pplx terminates the process on unobserved task exceptions.
void Reply(wh::http_request& req, const Response& response, const std::shared_ptr<Shared>& shared = nullptr) {
  wh::http_response out(static_cast<wh::status_code>(response.status));
  std::optional<std::string> content_type;
  for (const auto& [name, value] : response.headers.items()) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding")) {
      continue;  // derived from the body
    }
    if (EqualsIgnoreCase(name, "Content-Type")) {
      content_type = value;
      continue;
    }
    out.headers().add(name, value);
  }
  const bool head = EqualsIgnoreCase(req.method(), wh::methods::HEAD);
  if (response.stream && shared) {
    if (!head) {
      ReplyStreamed(shared, req, out, content_type.value_or("application/octet-stream"), response.stream);
      return;
    }
    response.stream->Close();  // HEAD: the headers only
    if (content_type) out.headers().set_content_type(*content_type);
  } else if (head && !response.body.empty()) {
    // The listener knows nothing of HEAD: it writes Content-Length bytes from the body stream.
    // An empty stream under the real length makes it send the headers, find the stream ended
    // and close the connection, which is a valid HEAD response; "Connection: close" tells the
    // client not to reuse the connection meanwhile.
    out.set_body(std::string(), content_type.value_or("application/octet-stream"));
    out.headers().set_content_length(response.body.size());
    out.headers()[wh::header_names::connection] = "close";
    if (content_type) out.headers().set_content_type(*content_type);
  } else if (!head && (!response.body.empty() || content_type)) {
    out.set_body(std::string(response.body), content_type.value_or("application/octet-stream"));
    if (content_type) out.headers().set_content_type(*content_type);
  } else if (head && content_type) {
    out.headers().set_content_type(*content_type);
  }
  try {
    req.reply(out).then([](pplx::task<void> sent) {
      try {
        sent.get();
      } catch (...) {
      }
    });
  } catch (...) {
  }
}

// Runs the handler unless the server is stopping; a throwing handler becomes a 500.
Response Invoke(Shared& shared, const Server::IncomingRequest& incoming) {
  {
    std::lock_guard<std::mutex> lock(shared.mu);
    if (shared.stopped) return PlainText(503, "server is stopping\n");
    ++shared.handlers_running;
  }
  Response response;
  try {
    response = shared.handler(incoming);
  } catch (...) {
    response = PlainText(500, "internal error\n");
  }
  {
    std::lock_guard<std::mutex> lock(shared.mu);
    --shared.handlers_running;
  }
  shared.idle.notify_all();
  return response;
}

struct BodyReader {
  concurrency::streams::streambuf<uint8_t> source;
  size_t limit = 0;
  std::string data;
  std::vector<uint8_t> chunk = std::vector<uint8_t>(kReadChunk);
};

// Resolves to false as soon as more than `limit` bytes arrived; never buffers much beyond it.
pplx::task<bool> ReadCapped(std::shared_ptr<BodyReader> reader) {
  return reader->source.getn(reader->chunk.data(), reader->chunk.size())
      .then([reader](size_t n) -> pplx::task<bool> {
        if (n == 0) return pplx::task_from_result(true);
        if (reader->data.size() + n > reader->limit) return pplx::task_from_result(false);
        reader->data.append(reinterpret_cast<const char*>(reader->chunk.data()), n);
        return ReadCapped(reader);
      });
}

void Dispatch(const std::shared_ptr<Shared>& shared, wh::http_request req) {
  try {
    const wh::http_headers& headers = req.headers();
    // Refuse before reading: cpprestsdk itself has no limit.
    if (headers.has(wh::header_names::content_length) &&
        headers.content_length() > shared->max_body_bytes) {
      Reply(req, TooLarge());
      return;
    }
    auto reader = std::make_shared<BodyReader>();
    reader->source = req.body().streambuf();
    reader->limit = shared->max_body_bytes;
    ReadCapped(reader).then([shared, req, reader](pplx::task<bool> read) mutable {
      try {
        bool within_limit = false;
        try {
          within_limit = read.get();
        } catch (...) {
          Reply(req, PlainText(400, "could not read the request body\n"));
          return;
        }
        if (!within_limit) {
          Reply(req, TooLarge());
          return;
        }
        Server::IncomingRequest incoming;
        incoming.method = req.method();
        incoming.path = web::uri::decode(req.relative_uri().path());
        incoming.query = req.relative_uri().query();
        for (const auto& [name, value] : req.headers()) incoming.headers.Add(name, value);
        incoming.body = std::move(reader->data);
        Reply(req, Invoke(*shared, incoming), shared);
      } catch (...) {
        Reply(req, PlainText(500, "internal error\n"));
      }
    });
  } catch (...) {
    Reply(req, PlainText(500, "internal error\n"));
  }
}

class CpprestServer final : public Server {
 public:
  CpprestServer(std::unique_ptr<whl::http_listener> listener, std::shared_ptr<Shared> shared,
                int port, std::string base_url)
      : listener_(std::move(listener)),
        shared_(std::move(shared)),
        port_(port),
        base_url_(std::move(base_url)) {}
  ~CpprestServer() override { Stop(); }

  int port() const override { return port_; }
  std::string base_url() const override { return base_url_; }

  void Stop() override {
    std::lock_guard<std::mutex> once(stop_mu_);
    if (closed_) return;
    closed_ = true;
    std::vector<std::weak_ptr<ResponseStream>> streams;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->stopped = true;
      streams.swap(shared_->streams);
    }
    // Streamed responses end normally (their clients see the body end, not a reset).
    for (const auto& weak : streams)
      if (auto stream = weak.lock()) stream->Close();
    try {
      listener_->close().wait();
    } catch (...) {
    }
    // close() does not wait for handlers; wait here so their captures may be destroyed next.
    std::unique_lock<std::mutex> lock(shared_->mu);
    shared_->idle.wait(lock, [this] { return shared_->handlers_running == 0; });
  }

 private:
  std::unique_ptr<whl::http_listener> listener_;
  std::shared_ptr<Shared> shared_;
  const int port_;
  const std::string base_url_;
  std::mutex stop_mu_;
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Server>> StartServer(const Server::Options& options,
                                            Server::Handler handler) {
  in_addr ignored{};
  if (inet_pton(AF_INET, options.address.c_str(), &ignored) != 1) {
    return InvalidArgument("server address \"" + options.address + "\" is not an IPv4 literal");
  }
  if (options.port < 0 || options.port > 65535) return InvalidArgument("server port out of range");
  auto shared = std::make_shared<Shared>();
  shared->handler = std::move(handler);
  shared->max_body_bytes = options.max_body_bytes;
  const std::string shown_host = options.address == "0.0.0.0" ? "127.0.0.1" : options.address;

  std::string last_error;
  const int attempts = options.port == 0 ? kPortAttempts : 1;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    int port = options.port;
    if (port == 0) {
      Result<int> picked = PickFreePort(options.address);
      if (!picked.ok()) return picked.status();
      port = *picked;
    }
    const std::string authority = options.address + ":" + std::to_string(port);
    try {
      auto listener = std::make_unique<whl::http_listener>(web::uri("http://" + authority));
      listener->support([shared](wh::http_request req) { Dispatch(shared, std::move(req)); });
      listener->open().wait();
      return std::unique_ptr<Server>(std::make_unique<CpprestServer>(
          std::move(listener), shared, port, "http://" + shown_host + ":" + std::to_string(port)));
    } catch (const std::exception& e) {
      last_error = "cannot listen on " + authority + ": " + e.what();
    }
  }
  return Status(StatusCode::kUnavailable, last_error);
}

}  // namespace spaceport::http
