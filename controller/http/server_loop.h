// The event loop of the POSIX-socket Server, private to http/. server_socket.cpp sets up the
// listening socket, the epoll instance and the handler threads; RunLoop (server_loop.cpp) is the
// one thread that owns every connection, reading and writing without blocking.
//
// Threads and ownership: the loop thread alone touches connections. Handler threads and stream
// owners talk to it through LoopShared (a queue of finished handlers and of streams with new
// bytes, and an eventfd that wakes epoll_wait).
#pragma once

#include <unistd.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "http/http.h"
#include "http/response_stream.h"

namespace spaceport::http::detail {

// epoll user data of the listening socket and of the wake eventfd; connections count up from 2.
constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;

inline Response PlainText(int status, std::string body) {
  return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

struct Completion {
  uint64_t conn = 0;
  Response response;
};

// What handler threads, stream owners and Stop() share with the loop.
struct LoopShared {
  Server::Handler handler;
  Server::Options options;
  std::mutex mu;
  std::condition_variable work_ready;
  std::deque<std::pair<uint64_t, Server::IncomingRequest>> jobs;
  std::deque<Completion> completions;
  std::vector<uint64_t> kicks;  // connections whose stream has news
  std::vector<std::weak_ptr<ResponseStream>> streams;
  bool stopping = false;     // no new handler starts
  bool loop_stop = false;    // the loop flushes and exits
  int wake_fd = -1;          // valid while wake_open
  bool wake_open = false;

  void WakeLocked() {
    if (!wake_open) return;
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd, &one, sizeof(one));
  }
  void Kick(uint64_t conn) {
    std::lock_guard<std::mutex> lock(mu);
    kicks.push_back(conn);
    WakeLocked();
  }
};

// Runs the loop on the calling thread until LoopShared::loop_stop, then closes every connection,
// `listen_fd` and `spare_fd` (kept to shed a connection when descriptors run out).
void RunLoop(std::shared_ptr<LoopShared> shared, int listen_fd, int epoll_fd, int spare_fd);

}  // namespace spaceport::http::detail
