// A one-connection HTTP server on 127.0.0.1 that answers any request with a chunked
// text/event-stream body and then keeps the connection open without ever ending the body — the
// way the Hub's log endpoints behave. http::Server cannot do that (its handlers return whole
// responses), hence this small POSIX-socket double.
//
//   EndlessStreamServer server({"data: {\"data\":\"hello\\n\"}\n\n"});
//   // GET server.base_url() + "/anything" → 200, one event, then silence until ~server
//   server.request_line();   // "GET /anything HTTP/1.1"
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace spaceport::hub::testing {

class EndlessStreamServer {
 public:
  explicit EndlessStreamServer(std::vector<std::string> events) : events_(std::move(events)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listener_, 4);
    socklen_t len = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~EndlessStreamServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string request_line() const {
    std::lock_guard<std::mutex> lock(mu_);
    return request_line_;
  }

 private:
  // Waits for the socket to be readable, checking stop_ every 50 ms.
  bool WaitReadable(int fd) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }

  void Serve() {
    if (!WaitReadable(listener_)) return;
    const int conn = accept(listener_, nullptr, nullptr);
    if (conn < 0) return;
    std::string request;
    char buf[4096];
    while (request.find("\r\n\r\n") == std::string::npos && WaitReadable(conn)) {
      const ssize_t n = read(conn, buf, sizeof buf);
      if (n <= 0) break;
      request.append(buf, static_cast<size_t>(n));
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      request_line_ = request.substr(0, request.find("\r\n"));
    }
    std::string out =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const std::string& event : events_) {
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", event.size());
      out += size + event + "\r\n";
    }
    (void)!write(conn, out.data(), out.size());
    // Never send the last chunk: the stream stays open until the client gives up.
    while (WaitReadable(conn)) {
      if (read(conn, buf, sizeof buf) <= 0) break;  // the client closed
    }
    close(conn);
  }

  std::vector<std::string> events_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::string request_line_;
};

}  // namespace spaceport::hub::testing
