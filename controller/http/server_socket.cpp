// The Server over POSIX sockets: one event-loop thread (epoll) owns every connection and does all
// reading and writing without blocking; a small fixed pool of handler threads runs the handlers.
// A connection costs a socket and a few hundred bytes, never a thread, so a thousand idle or slow
// clients cost little and cannot starve /healthz. Requests are parsed by RequestParser
// (request_parser.h); the deadlines and caps that bound hostile clients are Server::Options.
//
// This file: the listening socket, the handler threads and Stop(); the loop itself, and how threads
// talk to it, are in server_loop.h.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "http/http.h"
#include "http/response_stream.h"
#include "http/server_loop.h"

namespace spaceport::http {
namespace {

using detail::Completion;
using detail::LoopShared;
using detail::PlainText;

// Runs handlers for queued requests until the server stops; a throwing handler becomes a 500.
void Worker(const std::shared_ptr<LoopShared>& shared) {
  while (true) {
    std::pair<uint64_t, Server::IncomingRequest> job;
    {
      std::unique_lock<std::mutex> lock(shared->mu);
      shared->work_ready.wait(lock, [&] { return shared->stopping || !shared->jobs.empty(); });
      if (shared->stopping) return;
      job = std::move(shared->jobs.front());
      shared->jobs.pop_front();
    }
    Completion done;
    done.conn = job.first;
    try {
      done.response = shared->handler(job.second);
    } catch (...) {
      done.response = PlainText(500, "internal error\n");
    }
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->completions.push_back(std::move(done));
    shared->WakeLocked();
  }
}

class SocketServer final : public Server {
 public:
  SocketServer(std::shared_ptr<LoopShared> shared, int port, std::string base_url, int listen_fd, int epoll_fd,
               int spare_fd)
      : shared_(std::move(shared)), port_(port), base_url_(std::move(base_url)), epoll_fd_(epoll_fd) {
    loop_thread_ = std::thread([=, s = shared_] { detail::RunLoop(s, listen_fd, epoll_fd, spare_fd); });
    for (int i = 0; i < std::max(1, shared_->options.handler_threads); ++i) {
      workers_.emplace_back([s = shared_] { Worker(s); });
    }
  }
  ~SocketServer() override { Stop(); }

  int port() const override { return port_; }
  std::string base_url() const override { return base_url_; }

  void Stop() override {
    std::lock_guard<std::mutex> once(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    std::vector<std::weak_ptr<ResponseStream>> streams;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->stopping = true;
      shared_->jobs.clear();
      streams.swap(shared_->streams);
      shared_->work_ready.notify_all();
    }
    // Streamed responses end normally (their clients see the body end, not a reset).
    for (const auto& weak : streams)
      if (auto stream = weak.lock()) stream->Close();
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      shared_->loop_stop = true;
      shared_->WakeLocked();
    }
    loop_thread_.join();
    for (std::thread& w : workers_) w.join();  // handlers already running finish
    std::deque<Completion> left;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      left.swap(shared_->completions);
      shared_->wake_open = false;
      ::close(shared_->wake_fd);
    }
    for (Completion& c : left)
      if (c.response.stream) c.response.stream->Close();
    ::close(epoll_fd_);
  }

 private:
  std::shared_ptr<LoopShared> shared_;
  const int port_;
  const std::string base_url_;
  int epoll_fd_;
  std::thread loop_thread_;
  std::vector<std::thread> workers_;
  std::mutex stop_mu_;
  bool stopped_ = false;
};

// Enough descriptors for max_connections (and a test's own clients): the soft limit is raised
// towards the hard one, never above it.
void RaiseDescriptorLimit(int max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(max_connections) * 2 + 256;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

Status Errno(const std::string& what) { return Status(StatusCode::kUnavailable, what + ": " + std::strerror(errno)); }

}  // namespace

Result<std::unique_ptr<Server>> StartServer(const Server::Options& options, Server::Handler handler) {
  std::string address = options.address;
  if (address.size() >= 2 && address.front() == '[' && address.back() == ']') address = address.substr(1, address.size() - 2);
  sockaddr_storage storage{};
  socklen_t storage_len = 0;
  bool v6 = false;
  {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, address.c_str(), &a4->sin_addr) == 1) {
      a4->sin_family = AF_INET;
      a4->sin_port = htons(static_cast<uint16_t>(options.port));
      storage_len = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, address.c_str(), &a6->sin6_addr) == 1) {
      a6->sin6_family = AF_INET6;
      a6->sin6_port = htons(static_cast<uint16_t>(options.port));
      storage_len = sizeof(sockaddr_in6);
      v6 = true;
    } else {
      return InvalidArgument("server address \"" + options.address + "\" is not an IPv4 or IPv6 literal");
    }
  }
  if (options.port < 0 || options.port > 65535) return InvalidArgument("server port out of range");
  if (options.max_connections < 1) return InvalidArgument("server max_connections must be at least 1");
  RaiseDescriptorLimit(options.max_connections);

  const std::string authority = (v6 ? "[" + address + "]" : address) + ":" + std::to_string(options.port);
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("cannot listen on " + authority + ": socket");
  const int one = 1;
  const int zero = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (v6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));  // "::" takes IPv4 too
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), storage_len) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    Status s = Errno("cannot listen on " + authority);
    ::close(fd);
    return s;
  }
  socklen_t len = sizeof(storage);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &len) != 0) {
    Status s = Errno("cannot listen on " + authority + ": getsockname");
    ::close(fd);
    return s;
  }
  const int port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                            : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);

  const int epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  const int wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd < 0 || wake_fd < 0) {
    Status s = Errno("cannot start the server's event loop");
    ::close(fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
    return s;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = detail::kListenId;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  ev.data.u64 = detail::kWakeId;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev);
  const int spare_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  auto shared = std::make_shared<LoopShared>();
  shared->handler = std::move(handler);
  shared->options = options;
  shared->wake_fd = wake_fd;
  shared->wake_open = true;

  std::string shown = address;
  if (address == "0.0.0.0") shown = "127.0.0.1";
  else if (address == "::") shown = "::1";
  const std::string base_url = "http://" + (v6 ? "[" + shown + "]" : shown) + ":" + std::to_string(port);
  return std::unique_ptr<Server>(std::make_unique<SocketServer>(shared, port, base_url, fd, epoll_fd, spare_fd));
}

}  // namespace spaceport::http
