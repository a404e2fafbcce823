// The Server's event loop (server_loop.h): accepts, parses with RequestParser, hands requests to the
// handler threads, writes responses and streamed bodies as the sockets take them, and enforces the
// deadlines and caps of Server::Options. A streamed response's bytes wait in an Outbox the loop
// drains whenever the socket has room, so a writer never blocks on a client.
#include "http/server_loop.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "base/ascii.h"
#include "http/request_parser.h"
#include "http/response_head.h"

namespace spaceport::http::detail {
namespace {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;

constexpr size_t kReadBuffer = 64 * 1024;
constexpr auto kLingerTime = std::chrono::milliseconds(1000);  // reading a refused body before close
constexpr auto kStopFlushTime = std::chrono::milliseconds(1000);

// Bytes of a streamed response waiting for the loop. The stream's sink appends; the loop takes
// them when the socket has room. `limit` bounds what a slow reader can make wait.
struct Outbox {
  std::mutex mu;
  std::string data;
  bool finished = false;  // the body ended normally
  bool dead = false;      // the client is gone or too far behind
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

}  // namespace

void RunLoop(std::shared_ptr<LoopShared> shared, int listen_fd, int epoll_fd, int spare_fd) {
  Loop(std::move(shared), listen_fd, epoll_fd, spare_fd).Run();
}

}  // namespace spaceport::http::detail
