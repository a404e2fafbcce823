// RawClient: a blocking TCP client over POSIX sockets for the Server tests that must send what
// no HTTP library sends — a request line byte by byte, oversized headers, a raw `[]` in a query,
// an IPv6 loopback connection, a thousand idle sockets. Every read has a deadline, so a test that
// goes wrong fails instead of hanging.
//
//   RawClient c = RawClient::Connect("::1", server->port());
//   c.Send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
//   RawResponse r = c.ReadResponse(std::chrono::seconds(5));  // r.status == 200
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <utility>

namespace spaceport::http::testing {

struct RawResponse {
  int status = 0;        // 0: no complete status line arrived
  std::string head;      // status line and headers
  std::string body;      // Content-Length bytes (or what arrived before the close)
  bool closed = false;   // the server closed the connection
};

class RawClient {
 public:
  RawClient() = default;
  explicit RawClient(int fd) : fd_(fd) {}
  RawClient(RawClient&& o) noexcept : fd_(std::exchange(o.fd_, -1)), buffer_(std::move(o.buffer_)) {}
  RawClient& operator=(RawClient&& o) noexcept {
    if (this != &o) {
      Close();
      fd_ = std::exchange(o.fd_, -1);
      buffer_ = std::move(o.buffer_);
    }
    return *this;
  }
  ~RawClient() { Close(); }

  // An unconnected client (fd() < 0) when the connection fails.
  static RawClient Connect(const std::string& address, int port) {
    sockaddr_storage storage{};
    socklen_t len = 0;
    int family = AF_INET;
    auto* a4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, address.c_str(), &a4->sin_addr) == 1) {
      a4->sin_family = AF_INET;
      a4->sin_port = htons(static_cast<uint16_t>(port));
      len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, address.c_str(), &a6->sin6_addr) == 1) {
      family = AF_INET6;
      a6->sin6_family = AF_INET6;
      a6->sin6_port = htons(static_cast<uint16_t>(port));
      len = sizeof(sockaddr_in6);
    } else {
      return RawClient();
    }
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return RawClient();
    if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), len) != 0) {
      ::close(fd);
      return RawClient();
    }
    return RawClient(fd);
  }

  int fd() const { return fd_; }
  bool connected() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // False when the server has closed (EPIPE/ECONNRESET).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (headers, then Content-Length bytes, or until close when there is none).
  RawResponse ReadResponse(std::chrono::milliseconds timeout) {
    RawResponse r;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t head_end = std::string::npos;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadMore(deadline)) {
        r.closed = true;
        return r;
      }
    }
    r.head = buffer_.substr(0, head_end + 2);
    buffer_.erase(0, head_end + 4);
    if (r.head.size() > 12 && r.head.compare(0, 5, "HTTP/") == 0) r.status = std::atoi(r.head.c_str() + 9);
    if (r.status == 100) return ReadResponse(timeout);  // an interim answer
    const size_t cl = Lower(r.head).find("\r\ncontent-length:");
    if (cl != std::string::npos) {
      const size_t want = std::strtoul(r.head.c_str() + cl + 17, nullptr, 10);
      while (buffer_.size() < want) {
        if (!ReadMore(deadline)) {
          r.closed = true;
          break;
        }
      }
      r.body = buffer_.substr(0, std::min(want, buffer_.size()));
      buffer_.erase(0, r.body.size());
    }
    return r;
  }

  // Reads until the server closes or the deadline; true when it closed.
  bool ReadUntilClosed(std::chrono::milliseconds timeout, std::string* into = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (!ReadMore(deadline)) {
        if (into) *into = buffer_;
        return !timed_out_;
      }
    }
  }

  // Bytes received and not yet consumed by ReadResponse.
  const std::string& buffered() const { return buffer_; }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
  }

  // False at close, error or deadline (timed_out_ says which).
  bool ReadMore(std::chrono::steady_clock::time_point deadline) {
    timed_out_ = false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out_ = true;
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) {
      timed_out_ = true;
      return false;
    }
    char chunk[16384];
    const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
  bool timed_out_ = false;
};

}  // namespace spaceport::http::testing
