// EndlessBodyServer: a lying upstream on 127.0.0.1 that answers every request with a body that
// never ends — a prefix (the start of a JSON object, a manifest, some log events) and then filler
// bytes for as long as the client keeps reading, or silence with the connection held open (an SSE
// stream such as the Hub's logs) — with a Content-Length that claims something else, or chunked
// with no last chunk. It is how the tests show that a server sending gigabytes costs the
// controller bounded memory and a clear error (http::Request::max_response_bytes), and that a
// stream that never ends is cut at its deadline. http::Server cannot do that (its handlers return
// whole bodies), hence this small POSIX-socket double. It serves connections one after the other
// and counts the bytes it managed to write, so a test can tell that the client stopped reading.
//
//   support::EndlessBodyServer server({.content_type = "application/json", .prefix = "{\"a\":\"",
//                                      .filler = "x"});
//   … GET server.base_url() + "/api/whoami-v2" …  → kResourceExhausted
//   EXPECT_LT(server.bytes_sent(), 64u << 20);
//
// RssKib() reads this process's resident set, for the memory bounds those tests assert.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace spaceport::support {

// VmRSS of this process in KiB (0 when unreadable).
inline int64_t RssKib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoll(line.c_str() + 6, nullptr, 10);
  return 0;
}

class EndlessBodyServer {
 public:
  struct Options {
    int status = 200;
    std::string content_type = "application/octet-stream";
    // Extra header lines, each "Name: value" without CRLF.
    std::vector<std::string> headers = {};
    // Sent as Content-Length when set (a lie: the body never ends before the client stops);
    // otherwise the body is chunked and never sends its last chunk.
    std::optional<uint64_t> content_length = std::nullopt;
    std::string prefix = "";
    std::string filler = " ";  // repeated for ever (a log line, a run of spaces)
    // After the prefix, send nothing more and hold the connection until the client closes it.
    bool hold_after_prefix = false;
    // Stops writing a connection after this many bytes (a safety net, far above any cap).
    uint64_t give_up_after = uint64_t{4} << 30;
  };

  explicit EndlessBodyServer(Options options) : options_(std::move(options)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener_, 8);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~EndlessBodyServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  EndlessBodyServer(const EndlessBodyServer&) = delete;
  EndlessBodyServer& operator=(const EndlessBodyServer&) = delete;

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  uint64_t bytes_sent() const { return bytes_sent_.load(); }
  int connections() const { return connections_.load(); }
  // The request heads received ("GET /path HTTP/1.1\r\nHost: …"), in order.
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  // The first request's request line ("GET /path HTTP/1.1"); "" before one arrived.
  std::string first_request_line() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.empty() ? "" : requests_.front().substr(0, requests_.front().find("\r\n"));
  }

 private:
  // Waits until `fd` is ready for `events`, checking stop_ every 50 ms.
  bool WaitFor(int fd, short events) {
    while (!stop_) {
      pollfd p{fd, events, 0};
      const int n = poll(&p, 1, 50);
      if (n > 0) return true;  // ready, or the peer left: the read or send that follows tells
    }
    return false;
  }

  bool WriteAll(int fd, const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      if (!WaitFor(fd, POLLOUT)) return false;
      const ssize_t n = send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
      bytes_sent_ += static_cast<uint64_t>(n);
    }
    return true;
  }

  static std::string Chunk(const std::string& data) {
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    return size + data + "\r\n";
  }

  void Serve() {
    while (!stop_) {
      if (!WaitFor(listener_, POLLIN)) return;
      const int conn = accept(listener_, nullptr, nullptr);
      if (conn < 0) continue;
      ++connections_;
      ServeOne(conn);
      close(conn);
    }
  }

  void ServeOne(int conn) {
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && WaitFor(conn, POLLIN)) {
      const ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) return;
      request.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request.substr(0, request.find("\r\n\r\n")));
    }
    std::string head = "HTTP/1.1 " + std::to_string(options_.status) + " OK\r\nContent-Type: " +
                       options_.content_type + "\r\n";
    for (const std::string& h : options_.headers) head += h + "\r\n";
    const bool chunked = !options_.content_length.has_value();
    head += chunked ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + std::to_string(*options_.content_length) + "\r\n";
    head += "\r\n";
    if (!WriteAll(conn, head)) return;
    if (!options_.prefix.empty() &&
        !WriteAll(conn, chunked ? Chunk(options_.prefix) : options_.prefix)) {
      return;
    }
    if (options_.hold_after_prefix) {
      while (WaitFor(conn, POLLIN))
        if (read(conn, buf, sizeof buf) <= 0) return;  // the client closed
      return;
    }
    std::string piece;
    while (piece.size() < 64 * 1024) piece += options_.filler.empty() ? " " : options_.filler;
    const std::string wire = chunked ? Chunk(piece) : piece;
    // Until the client hangs up (send fails), the server stops, or the safety net.
    for (uint64_t sent = 0; sent < options_.give_up_after; sent += piece.size()) {
      if (!WriteAll(conn, wire)) return;
    }
  }

  const Options options_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> bytes_sent_{0};
  std::atomic<int> connections_{0};
  std::thread thread_;
  mutable std::mutex mu_;
  std::vector<std::string> requests_;
};

}  // namespace spaceport::support
