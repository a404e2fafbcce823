// ResponseStream: a response body that is written over time, for server-sent events (the ops
// console's live updates) and other answers that never end by themselves.
//
// A Server handler creates one, keeps a shared_ptr to it, and returns it in Response::stream
// (Response::body is then ignored). The Server sends the status and headers at once, then every
// Write() as it comes, chunked, until one of three things ends the response:
//   - the owner calls Close(): the body ends normally;
//   - the client goes away, or reads more slowly than the owner writes (more than
//     `max_pending_bytes` wait unsent): the Server detaches, and Write() returns false;
//   - the Server stops: it closes every open stream before it closes its listener.
// The owner learns of the end from Write()'s result or closed(); it never blocks on the client.
//
// The class has no backend in it: a Server backend calls Attach() with a sink for the bytes and
// Detach() when the client is gone, so replacing cpprestsdk changes nothing for the owners.
//
//   auto stream = std::make_shared<http::ResponseStream>();
//   stream->Write("retry: 2000\n\n");            // buffered until the Server attaches
//   http::Response r{200, {{"Content-Type", "text/event-stream"}}, ""};
//   r.stream = stream;                           // hand it to the Server, keep a copy
//   ... later, from any thread: if (!stream->Write("data: x\n\n")) forget(stream);
//
// Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace spaceport::http {

class ResponseStream {
 public:
  // What a backend hands over: `write` takes bytes for the client and returns false when they
  // cannot be sent (the connection is gone or too far behind); `finish` ends the body normally.
  struct Sink {
    std::function<bool(std::string_view bytes)> write;
    std::function<void()> finish;
  };

  explicit ResponseStream(size_t max_pending_bytes = 1024 * 1024) : max_pending_bytes_(max_pending_bytes) {}
  // An owner that lets go without Close() ends the body as Close() would.
  ~ResponseStream();
  ResponseStream(const ResponseStream&) = delete;
  ResponseStream& operator=(const ResponseStream&) = delete;

  // Queues bytes for the client. False once the stream is closed (by Close, by the client going
  // away, by the server stopping) — the bytes are then dropped — or when more than
  // max_pending_bytes would wait before a backend attached (the stream is closed then).
  bool Write(std::string_view bytes);
  // Ends the body normally; idempotent. Later writes return false.
  void Close();
  bool closed() const;

  // Backend side. Attach sends what was written so far through the sink, then every later
  // write; attaching a closed stream finishes it at once. Detach marks the stream closed without
  // finishing it (the client is gone). Both are idempotent; call each at most once per stream.
  void Attach(Sink sink);
  void Detach();
  size_t max_pending_bytes() const { return max_pending_bytes_; }

 private:
  const size_t max_pending_bytes_;
  mutable std::mutex mu_;
  Sink sink_;
  bool attached_ = false;
  bool closed_ = false;
  std::string pending_;  // written before Attach
};

}  // namespace spaceport::http
