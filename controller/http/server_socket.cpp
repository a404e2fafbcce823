// The Server over POSIX sockets: one event-loop thread (epoll) owns every connection and does all
// reading and writing without blocking; a small fixed pool of handler threads runs the handlers.
// A connection costs a socket and a few hundred bytes, never a thread, so a thousand idle or slow
// clients cost little and cannot starve /healthz. Requests are parsed by RequestParser
// (request_parser.h); the deadlines and caps that bound hostile clients are Server::Options.
//
// Threads and ownership: the loop thread alone touches connections. Handler threads and stream
// owners talk to it through LoopShared (a queue of finished handlers and of streams with new
// bytes, and an eventfd that wakes epoll_wait). A streamed response's bytes wait in an Outbox the
// loop drains whenever the socket has room, so a writer never blocks on a client.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "base/ascii.h"
#include "http/http.h"
#include "http/request_parser.h"
#include "http/response_head.h"
#include "http/response_stream.h"

namespace spaceport::http {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

constexpr uint64_t kListenId = 0;
constexpr uint64_t kWakeId = 1;
constexpr size_t kReadBuffer = 64 * 1024;
constexpr auto kLingerTime = std::chrono::milliseconds(1000);  // reading a refused body before close
constexpr auto kStopFlushTime = std::chrono::milliseconds(1000);

Response PlainText(int status, std::string body) {
  return Response{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

// Bytes of a streamed response waiting for the loop. The stream's sink appends; the loop takes
// them when the socket has room. `limit` bounds what a slow reader can make wait.
struct Outbox {
  std::mutex mu;
  std::string data;
  bool finished = false;  // the body ended normally
  bool dead = false;      // the client is gone or too far behind
};

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

enum class ConnState { kReading, kHandling, kWriting, kStreaming, kLingering };

struct Conn {
  int fd = -1;
  uint64_t id = 0;
  ConnState state = ConnState::kReading;
  RequestParser parser;
  std::string out;  // bytes to send, from out_sent on
  size_t out_sent = 0;
  bool close_after_write = false;
  bool continue_sent = false;
  bool head = false;
  int version_minor = 1;
  bool keep_alive = true;
  TimePoint request_start{};
  TimePoint last_activity{};
  TimePoint deadline = TimePoint::max();
  uint32_t events = 0;
  std::shared_ptr<Outbox> outbox;  // a streamed response
  std::weak_ptr<ResponseStream> stream;
  bool stream_raw = false;  // HTTP/1.0 client: no chunking, close at the end

  explicit Conn(const ParserLimits& limits) : parser(limits) {}
};

class SocketServer;

// The loop: runs on its own thread until LoopShared::loop_stop.
class Loop {
 public:
  Loop(std::shared_ptr<LoopShared> shared, int listen_fd, int epoll_fd, int spare_fd)
      : shared_(std::move(shared)), listen_fd_(listen_fd), epoll_fd_(epoll_fd), spare_fd_(spare_fd) {
    const auto& o = shared_->options;
    limits_.max_request_line_bytes = o.max_request_line_bytes;
    limits_.max_header_bytes = o.max_header_bytes;
    limits_.max_body_bytes = o.max_body_bytes;
  }

  void Run() {
    std::vector<epoll_event> events(256);
    std::vector<char> buffer(kReadBuffer);
    TimePoint stop_deadline = TimePoint::max();
    while (true) {
      const TimePoint now = SteadyClock::now();
      if (stop_deadline == TimePoint::max()) {
        std::lock_guard<std::mutex> lock(shared_->mu);
        if (shared_->loop_stop) {
          stop_deadline = now + kStopFlushTime;
          ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
          ::close(listen_fd_);
          listen_fd_ = -1;
        }
      }
      if (stop_deadline != TimePoint::max()) {
        DrainQueues();
        if (now >= stop_deadline || !AnyUnsent()) break;
      }
      if (now >= next_scan_) ScanDeadlines(now);
      int timeout_ms = 1000;
      if (next_scan_ != TimePoint::max()) {
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_scan_ - now).count() + 1;
        timeout_ms = static_cast<int>(std::clamp<long long>(wait, 0, 1000));
      }
      if (stop_deadline != TimePoint::max()) timeout_ms = std::min(timeout_ms, 20);
      const int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        const uint64_t id = events[i].data.u64;
        if (id == kListenId) {
          Accept();
        } else if (id == kWakeId) {
          uint64_t value = 0;
          [[maybe_unused]] ssize_t r = ::read(shared_->wake_fd, &value, sizeof(value));
        } else {
          OnEvent(id, events[i].events, buffer);
        }
      }
      DrainQueues();
    }
    for (auto& [id, conn] : conns_) {
      DetachStream(*conn);
      ::close(conn->fd);
    }
    conns_.clear();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (spare_fd_ >= 0) ::close(spare_fd_);
  }

 private:
  bool AnyUnsent() const {
    for (const auto& [id, conn] : conns_) {
      if (conn->state == ConnState::kStreaming || (conn->state == ConnState::kWriting && conn->out_sent < conn->out.size())) {
        return true;
      }
    }
    return false;
  }

  void SetEvents(Conn& c, uint32_t events) {
    if (c.events == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = c.id;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
    c.events = events;
  }

  void SetDeadline(Conn& c, TimePoint t) {
    c.deadline = t;
    if (t < next_scan_) next_scan_ = t;
  }

  void Accept() {
    while (true) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if ((errno == EMFILE || errno == ENFILE) && spare_fd_ >= 0) {
          // Out of descriptors: use the spare one to accept and refuse, so the backlog drains
          // instead of epoll waking forever on a connection that cannot be taken.
          ::close(spare_fd_);
          const int refused = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (refused >= 0) Refuse(refused);
          spare_fd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
          continue;
        }
        return;  // EAGAIN, or nothing more to do
      }
      if (static_cast<int>(conns_.size()) >= shared_->options.max_connections) {
        Refuse(fd);
        continue;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      auto conn = std::make_unique<Conn>(limits_);
      conn->fd = fd;
      conn->id = next_id_++;
      conn->last_activity = SteadyClock::now();
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = conn->id;
      if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        ::close(fd);
        continue;
      }
      conn->events = EPOLLIN;
      SetDeadline(*conn, conn->last_activity + shared_->options.keep_alive_timeout);
      conns_.emplace(conn->id, std::move(conn));
    }
  }

  // Over the connection cap: a best-effort 503 and close, never blocking.
  static void Refuse(int fd) {
    static constexpr std::string_view kBusy =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 21\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\ntoo many connections\n";
    [[maybe_unused]] ssize_t n = ::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    ::close(fd);
  }

  void Close(uint64_t id) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    DetachStream(*it->second);
    ::close(it->second->fd);  // also removes it from epoll
    conns_.erase(it);
  }

  static void DetachStream(Conn& c) {
    if (c.outbox) {
      std::lock_guard<std::mutex> lock(c.outbox->mu);
      c.outbox->dead = true;
    }
    if (auto s = c.stream.lock()) s->Detach();
    c.stream.reset();
  }

  void OnEvent(uint64_t id, uint32_t events, std::vector<char>& buffer) {
    auto it = conns_.find(id);
    if (it == conns_.end()) return;
    Conn& c = *it->second;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      if (!OnReadable(c, buffer)) {
        Close(id);
        return;
      }
    }
    if (events & EPOLLOUT) {
      if (!Flush(c)) Close(id);
    }
  }

  // False when the connection is to be closed.
  bool OnReadable(Conn& c, std::vector<char>& buffer) {
    const ssize_t n = ::recv(c.fd, buffer.data(), buffer.size(), 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (n == 0) return false;  // the client left (or finished after a refusal)
    const TimePoint now = SteadyClock::now();
    if (c.state == ConnState::kLingering || c.state == ConnState::kStreaming) return true;  // discarded
    if (c.state != ConnState::kReading) return true;  // level-triggered: not reached (no EPOLLIN)
    if (c.parser.idle()) c.request_start = now;
    c.last_activity = now;
    const ParseState s = c.parser.Feed(std::string_view(buffer.data(), static_cast<size_t>(n)));
    return Advance(c, s, now);
  }

  // Acts on the parser's state after bytes arrived (or after a response, for pipelined bytes).
  bool Advance(Conn& c, ParseState s, TimePoint now) {
    const auto& o = shared_->options;
    if (s == ParseState::kError) {
      const ParseError& e = c.parser.error();
      return Respond(c, PlainText(e.status, e.reason + "\n"), /*close=*/true);
    }
    if (s == ParseState::kComplete) {
      ParsedRequest parsed = c.parser.TakeRequest();
      Server::IncomingRequest incoming;
      incoming.method = std::move(parsed.method);
      incoming.path = std::move(parsed.path);
      incoming.query = std::move(parsed.query);
      incoming.headers = std::move(parsed.headers);
      incoming.body = std::move(parsed.body);
      c.head = EqualsIgnoreCase(incoming.method, "HEAD");
      c.version_minor = parsed.version_minor;
      c.keep_alive = parsed.keep_alive;
      c.continue_sent = false;
      c.state = ConnState::kHandling;
      c.deadline = TimePoint::max();
      SetEvents(c, 0);
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->stopping) return false;
      shared_->jobs.emplace_back(c.id, std::move(incoming));
      shared_->work_ready.notify_one();
      return true;
    }
    if (c.parser.idle()) {
      SetDeadline(c, c.last_activity + o.keep_alive_timeout);
    } else if (!c.parser.headers_done()) {
      SetDeadline(c, c.request_start + o.header_timeout);
    } else {
      if (c.parser.request().expects_continue && !c.continue_sent) {
        c.continue_sent = true;
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        [[maybe_unused]] ssize_t sent = ::send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      }
      SetDeadline(c, std::min(c.request_start + o.request_timeout, now + o.body_idle_timeout));
    }
    return true;
  }

  // Queues a whole response and starts writing it.
  bool Respond(Conn& c, const Response& response, bool close) {
    close = close || !c.keep_alive || WantsClose(response);
    const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
    c.out = SerializeHead(response, static_cast<long long>(response.body.size()), close, false);
    if (!c.head && !bodiless) c.out += response.body;
    c.out_sent = 0;
    c.close_after_write = close;
    c.state = ConnState::kWriting;
    SetDeadline(c, SteadyClock::now() + shared_->options.write_idle_timeout);
    return Flush(c);
  }

  void StartStream(Conn& c, const Response& response) {
    const std::shared_ptr<ResponseStream>& stream = response.stream;
    c.stream_raw = c.version_minor == 0;
    c.out = SerializeHead(response, -1, /*close=*/c.stream_raw, /*chunked=*/!c.stream_raw);
    c.out_sent = 0;
    c.state = ConnState::kStreaming;
    c.close_after_write = true;  // after the body ends: SSE clients reconnect anyway
    c.deadline = TimePoint::max();
    auto outbox = std::make_shared<Outbox>();
    c.outbox = outbox;
    c.stream = stream;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      if (shared_->stopping) {
        stream->Close();
      } else {
        std::erase_if(shared_->streams, [](const std::weak_ptr<ResponseStream>& s) { return s.expired(); });
        shared_->streams.push_back(stream);
      }
    }
    ResponseStream::Sink sink;
    const size_t limit = stream->max_pending_bytes();
    const bool raw = c.stream_raw;
    std::weak_ptr<LoopShared> weak_shared = shared_;
    const uint64_t id = c.id;
    sink.write = [outbox, limit, raw, weak_shared, id](std::string_view bytes) {
      if (bytes.empty()) return true;
      {
        std::lock_guard<std::mutex> lock(outbox->mu);
        if (outbox->dead || outbox->finished) return false;
        if (outbox->data.size() + bytes.size() > limit) {
          outbox->dead = true;
        } else {
          if (!raw) {
            char size[32];
            std::snprintf(size, sizeof(size), "%zx\r\n", bytes.size());
            outbox->data += size;
          }
          outbox->data.append(bytes);
          if (!raw) outbox->data += "\r\n";
        }
      }
      if (auto s = weak_shared.lock()) s->Kick(id);
      std::lock_guard<std::mutex> lock(outbox->mu);
      return !outbox->dead;
    };
    sink.finish = [outbox, raw, weak_shared, id] {
      {
        std::lock_guard<std::mutex> lock(outbox->mu);
        if (outbox->dead || outbox->finished) return;
        outbox->finished = true;
        if (!raw) outbox->data += "0\r\n\r\n";
      }
      if (auto s = weak_shared.lock()) s->Kick(id);
    };
    stream->Attach(std::move(sink));
  }

  // Writes what it can; false when the connection is to be closed.
  bool Flush(Conn& c) {
    while (true) {
      if (c.out_sent == c.out.size() && c.outbox) {
        std::lock_guard<std::mutex> lock(c.outbox->mu);
        if (c.outbox->dead) return false;
        c.out.swap(c.outbox->data);
        c.outbox->data.clear();
        c.out_sent = 0;
        if (c.out.empty() && c.outbox->finished) {
          c.outbox.reset();
          c.state = ConnState::kWriting;
          c.close_after_write = true;
        }
      }
      if (c.out_sent == c.out.size()) break;
      const ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
          SetEvents(c, EPOLLOUT | (c.state == ConnState::kStreaming ? EPOLLIN : 0u));
          return true;
        }
        if (errno == EINTR) continue;
        return false;
      }
      c.out_sent += static_cast<size_t>(n);
      if (c.state == ConnState::kWriting) SetDeadline(c, SteadyClock::now() + shared_->options.write_idle_timeout);
    }
    c.out.clear();
    c.out_sent = 0;
    if (c.state == ConnState::kStreaming) {
      SetEvents(c, EPOLLIN);  // to notice the client leaving
      return true;
    }
    if (c.state != ConnState::kWriting) return true;
    if (c.close_after_write) {
      // Lingering close: stop sending, read and drop what the client still sends for a moment,
      // so a refused body does not turn our answer into a connection reset.
      ::shutdown(c.fd, SHUT_WR);
      c.state = ConnState::kLingering;
      SetEvents(c, EPOLLIN);
      SetDeadline(c, SteadyClock::now() + kLingerTime);
      return true;
    }
    c.state = ConnState::kReading;
    SetEvents(c, EPOLLIN);
    c.last_activity = SteadyClock::now();
    if (!c.parser.idle()) c.request_start = c.last_activity;  // pipelined bytes wait in the parser
    return Advance(c, c.parser.Feed(""), c.last_activity);
  }

  void ScanDeadlines(TimePoint now) {
    next_scan_ = TimePoint::max();
    std::vector<uint64_t> expired;
    for (auto& [id, conn] : conns_) {
      if (conn->deadline <= now) expired.push_back(id);
      else next_scan_ = std::min(next_scan_, conn->deadline);
    }
    for (uint64_t id : expired) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      Conn& c = *it->second;
      if (c.state == ConnState::kReading && !c.parser.idle()) {
        // A slow client (slowloris): a 408, then close.
        c.keep_alive = false;
        if (Respond(c, PlainText(408, "request timeout\n"), true) && c.state != ConnState::kReading) continue;
      }
      Close(id);
    }
  }

  void DrainQueues() {
    std::deque<Completion> done;
    std::vector<uint64_t> kicks;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      done.swap(shared_->completions);
      kicks.swap(shared_->kicks);
    }
    for (Completion& d : done) {
      auto it = conns_.find(d.conn);
      if (it == conns_.end()) {
        if (d.response.stream) d.response.stream->Close();
        continue;
      }
      Conn& c = *it->second;
      bool ok = true;
      if (d.response.stream && !c.head) {
        StartStream(c, d.response);
        ok = Flush(c);
      } else {
        if (d.response.stream) d.response.stream->Close();  // HEAD: the headers only
        ok = Respond(c, d.response, false);
      }
      if (!ok) Close(d.conn);
    }
    for (uint64_t id : kicks) {
      auto it = conns_.find(id);
      if (it == conns_.end()) continue;
      if (it->second->state != ConnState::kStreaming) continue;
      if (!Flush(*it->second)) Close(id);
    }
  }

  std::shared_ptr<LoopShared> shared_;
  int listen_fd_;
  int epoll_fd_;
  int spare_fd_;
  ParserLimits limits_;
  uint64_t next_id_ = 2;
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  TimePoint next_scan_ = TimePoint::max();
};

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
  SocketServer(std::shared_ptr<LoopShared> shared, int port, std::string base_url, int epoll_fd,
               std::unique_ptr<Loop> loop)
      : shared_(std::move(shared)), port_(port), base_url_(std::move(base_url)), epoll_fd_(epoll_fd) {
    loop_thread_ = std::thread([l = std::move(loop)] { l->Run(); });
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
  ev.data.u64 = kListenId;
  ::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
  ev.data.u64 = kWakeId;
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
  auto loop = std::make_unique<Loop>(shared, fd, epoll_fd, spare_fd);
  return std::unique_ptr<Server>(std::make_unique<SocketServer>(shared, port, base_url, epoll_fd, std::move(loop)));
}

}  // namespace spaceport::http
