#include "support/fault_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sstream>

#include "http/http.h"

namespace spaceport::support {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;
constexpr size_t kMaxDrainBytes = 256 * 1024 * 1024;
// A connection on which nothing moves for this long is closed (a client that vanished without
// closing); stalls are not subject to it — they last until the client or Stop() ends them.
constexpr int kIdleLimitMs = 300 * 1000;
constexpr int kPollMs = 200;

struct KindName {
  FaultKind kind;
  std::string_view name;
};
constexpr KindName kNames[] = {
    {FaultKind::kPass, "pass"},
    {FaultKind::kStatus500, "500"},
    {FaultKind::kStatus502, "502"},
    {FaultKind::kStatus503, "503"},
    {FaultKind::kTooManyRetryAfterSeconds, "429-seconds"},
    {FaultKind::kTooManyRetryAfterDate, "429-date"},
    {FaultKind::kResetBeforeHeaders, "reset-before"},
    {FaultKind::kResetAfterHeaders, "reset-after"},
    {FaultKind::kStall, "stall"},
    {FaultKind::kStallHalfBody, "stall-half"},
    {FaultKind::kTruncateBody, "truncate"},
    {FaultKind::kLatency, "latency"},
};

uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return std::string(s);
}

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A request or response head: its first line and its headers, in order.
struct Head {
  std::string first_line;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<std::string> Get(std::string_view name) const {
    for (const auto& [n, v] : headers)
      if (IEquals(n, name)) return v;
    return std::nullopt;
  }
  // Content-Length, or -1 when absent or chunked (the body then ends with the connection or
  // with its last chunk).
  int64_t ContentLength() const {
    if (auto te = Get("Transfer-Encoding"); te && te->find("chunked") != std::string::npos) return -1;
    auto cl = Get("Content-Length");
    if (!cl) return -1;
    try {
      return std::stoll(*cl);
    } catch (...) {
      return -1;
    }
  }
  bool Chunked() const {
    auto te = Get("Transfer-Encoding");
    return te && te->find("chunked") != std::string::npos;
  }
  // The head again with Connection: close instead of any hop-by-hop connection headers (and
  // without Expect, so no 100 Continue is ever in flight).
  std::string WithConnectionClose() const {
    std::string out = first_line + "\r\n";
    for (const auto& [n, v] : headers) {
      if (IEquals(n, "Connection") || IEquals(n, "Keep-Alive") || IEquals(n, "Proxy-Connection") ||
          IEquals(n, "Expect"))
        continue;
      out += n + ": " + v + "\r\n";
    }
    return out + "Connection: close\r\n\r\n";
  }
};

Head ParseHead(std::string_view text) {  // text without the final blank line
  Head head;
  size_t at = 0;
  bool first = true;
  while (at <= text.size()) {
    size_t end = text.find("\r\n", at);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(at, end - at);
    if (first) {
      head.first_line = std::string(line);
      first = false;
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      head.headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
    }
    at = end + 2;
  }
  return head;
}

bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Closes with an RST instead of a FIN: the peer sees "connection reset".
void ResetAndClose(int fd) {
  linger l{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  ::close(fd);
}

// Reads what is available within `timeout_ms`: >0 bytes read, 0 the peer closed, -1 an error,
// -2 nothing arrived.
ssize_t ReadSome(int fd, std::string& into, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, timeout_ms);
  if (ready == 0) return -2;
  if (ready < 0) return errno == EINTR ? -2 : -1;
  char buffer[64 * 1024];
  const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
  if (n > 0) into.append(buffer, static_cast<size_t>(n));
  if (n < 0 && errno == EINTR) return -2;
  return n;
}

// After our answer: FIN, then read what the client still sends for up to a second before
// closing, so unread bytes in the receive buffer do not turn the close into an RST that would
// hide the answer from the client.
void CloseGracefully(int fd) {
  ::shutdown(fd, SHUT_WR);
  std::string sink;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < until) {
    sink.clear();
    const ssize_t n = ReadSome(fd, sink, 100);
    if (n == 0 || n == -1) break;
  }
  ::close(fd);
}

// Whether `chunked` (the bytes after a request head) holds a complete chunked body.
bool ChunkedComplete(std::string_view body) {
  size_t at = 0;
  while (true) {
    const size_t line_end = body.find("\r\n", at);
    if (line_end == std::string_view::npos) return false;
    size_t size = 0;
    try {
      size = std::stoul(std::string(body.substr(at, line_end - at)), nullptr, 16);
    } catch (...) {
      return true;  // not chunked after all: stop reading
    }
    at = line_end + 2;
    if (size == 0) return body.find("\r\n\r\n", line_end) != std::string_view::npos ||
                          body.substr(at).starts_with("\r\n");
    if (body.size() < at + size + 2) return false;
    at += size + 2;
  }
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string HttpDate(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char out[64];
  std::snprintf(out, sizeof out, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return out;
}

}  // namespace

std::string_view FaultKindName(FaultKind kind) {
  for (const KindName& k : kNames)
    if (k.kind == kind) return k.name;
  return "?";
}

std::optional<FaultKind> FaultKindFromName(std::string_view name) {
  for (const KindName& k : kNames)
    if (k.name == name) return k.kind;
  return std::nullopt;
}

const std::vector<FaultKind>& AllFaultKinds() {
  static const std::vector<FaultKind> kAll = [] {
    std::vector<FaultKind> all;
    for (const KindName& k : kNames)
      if (k.kind != FaultKind::kPass) all.push_back(k.kind);
    return all;
  }();
  return kAll;
}

Result<FaultRates> ParseFaultRates(std::string_view spec) {
  FaultRates rates;
  size_t at = 0;
  while (at < spec.size()) {
    size_t comma = spec.find(',', at);
    if (comma == std::string_view::npos) comma = spec.size();
    const std::string entry = Trim(spec.substr(at, comma - at));
    at = comma + 1;
    if (entry.empty()) continue;
    const size_t eq = entry.find('=');
    if (eq == std::string::npos)
      return InvalidArgument("fault rate \"" + entry + "\": expected KIND=PROBABILITY");
    const std::string name = entry.substr(0, eq);
    double p = -1;
    try {
      size_t used = 0;
      p = std::stod(entry.substr(eq + 1), &used);
      if (used != entry.size() - eq - 1) p = -1;
    } catch (...) {
      p = -1;
    }
    if (!(p >= 0 && p <= 1))
      return InvalidArgument("fault rate \"" + entry + "\": the probability must be in [0, 1]");
    std::vector<FaultKind> group;
    if (name == "all") {
      group = AllFaultKinds();
    } else if (name == "5xx") {
      group = {FaultKind::kStatus500, FaultKind::kStatus502, FaultKind::kStatus503};
    } else if (name == "429") {
      group = {FaultKind::kTooManyRetryAfterSeconds, FaultKind::kTooManyRetryAfterDate};
    } else if (name == "reset") {
      group = {FaultKind::kResetBeforeHeaders, FaultKind::kResetAfterHeaders};
    } else if (auto kind = FaultKindFromName(name); kind && *kind != FaultKind::kPass) {
      group = {*kind};
    } else {
      std::string known = "all, 5xx, 429, reset";
      for (FaultKind k : AllFaultKinds()) known += ", " + std::string(FaultKindName(k));
      return InvalidArgument("fault rate \"" + entry + "\": unknown kind \"" + name +
                             "\" (known: " + known + ")");
    }
    for (FaultKind k : group) rates[k] += p / static_cast<double>(group.size());
  }
  double sum = 0;
  for (const auto& [kind, p] : rates) sum += p;
  if (sum > 1 + 1e-9)
    return InvalidArgument("fault rates \"" + std::string(spec) + "\" add up to " +
                           std::to_string(sum) + ", more than 1");
  return rates;
}

std::string FaultKey(std::string_view method, std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  std::string key = std::string(method) + " ";
  size_t at = 0;
  while (at <= path.size()) {
    size_t slash = path.find('/', at);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view segment = path.substr(at, slash - at);
    const bool opaque = segment.size() >= 32 && std::all_of(segment.begin(), segment.end(), [](char c) {
                          return std::isxdigit(static_cast<unsigned char>(c)) || c == '-';
                        });
    key += opaque ? std::string_view("*") : segment;
    if (slash < path.size()) key += '/';
    at = slash + 1;
  }
  return key;
}

FaultKind DecideFault(uint64_t seed, std::string_view key, uint64_t occurrence,
                      const FaultRates& rates) {
  const uint64_t h = SplitMix64(SplitMix64(seed) ^ Fnv1a64(key) ^ SplitMix64(~occurrence));
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // [0, 1)
  double cumulative = 0;
  for (FaultKind kind : AllFaultKinds()) {
    auto it = rates.find(kind);
    if (it == rates.end()) continue;
    cumulative += it->second;
    if (u < cumulative) return kind;
  }
  return FaultKind::kPass;
}

std::string FaultDecision::ToString(std::string_view proxy_name) const {
  return std::string(proxy_name) + " #" + std::to_string(sequence) + " " + key + " [occurrence " +
         std::to_string(occurrence) + "]: " + std::string(FaultKindName(kind)) + " (" + rule + ")";
}

FaultProxy::FaultProxy(Options options) : options_(std::move(options)) {}

Result<std::unique_ptr<FaultProxy>> FaultProxy::Start(Options options) {
  Result<http::Url> upstream = http::Url::Parse(options.upstream);
  if (!upstream.ok() || upstream->scheme != "http")
    return InvalidArgument("fault proxy upstream \"" + options.upstream +
                           "\": expected http://HOST:PORT");
  std::optional<std::regex> stall;
  if (!options.stall_path_regex.empty()) {
    try {
      stall.emplace(options.stall_path_regex);
    } catch (const std::regex_error& e) {
      return InvalidArgument("stall path \"" + options.stall_path_regex + "\": " + e.what());
    }
  }
  std::unique_ptr<FaultProxy> proxy(new FaultProxy(std::move(options)));
  proxy->upstream_host_ = upstream->host == "localhost" ? "127.0.0.1" : upstream->host;
  proxy->upstream_port_ = upstream->port;
  proxy->stall_path_ = std::move(stall);

  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Internal(std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(proxy->options_.port));
  if (::inet_pton(AF_INET, proxy->options_.address.c_str(), &addr.sin_addr) != 1) {
    ::close(fd);
    return InvalidArgument("fault proxy address \"" + proxy->options_.address +
                           "\": expected an IPv4 literal");
  }
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 256) != 0) {
    const std::string error = std::strerror(errno);
    ::close(fd);
    return Status(StatusCode::kUnavailable, "fault proxy: cannot listen on " +
                                                proxy->options_.address + ":" +
                                                std::to_string(proxy->options_.port) + ": " + error);
  }
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  proxy->listener_ = fd;
  proxy->port_ = ntohs(addr.sin_port);
  FaultProxy* self = proxy.get();
  proxy->acceptor_ = std::make_unique<std::thread>([self] { self->AcceptLoop(); });
  return proxy;
}

FaultProxy::~FaultProxy() { Stop(); }

std::string FaultProxy::base_url() const { return "http://" + endpoint(); }
std::string FaultProxy::endpoint() const {
  return (options_.address == "0.0.0.0" ? std::string("127.0.0.1") : options_.address) + ":" +
         std::to_string(port_);
}

void FaultProxy::SetForced(std::optional<FaultKind> kind) {
  std::lock_guard<std::mutex> lock(mu_);
  forced_ = kind;
}

void FaultProxy::SetStallPath(const std::string& regex) {
  std::lock_guard<std::mutex> lock(mu_);
  if (regex.empty()) {
    stall_path_.reset();
  } else {
    stall_path_.emplace(regex);
  }
}

std::vector<FaultDecision> FaultProxy::Decisions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return decisions_;
}

std::map<std::string, int64_t> FaultProxy::CountsByKind() const {
  std::map<std::string, int64_t> counts;
  for (const FaultDecision& d : Decisions()) ++counts[std::string(FaultKindName(d.kind))];
  return counts;
}

void FaultProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (listener_ >= 0) ::shutdown(listener_, SHUT_RDWR);
  if (acceptor_ && acceptor_->joinable()) acceptor_->join();
  if (listener_ >= 0) ::close(listener_);
  listener_ = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  // Every connection loop looks at stopping_ at least every kPollMs.
  while (active_.load() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void FaultProxy::Track(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.push_back(fd);
}
void FaultProxy::Untrack(int fd) {
  std::lock_guard<std::mutex> lock(mu_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
}

void FaultProxy::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    const int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++active_;
    Track(client);
    std::thread([this, client] {
      Serve(client);
      --active_;
    }).detach();
  }
}

bool FaultProxy::SleepUnlessStopping(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (stopping_.load()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(20), until - std::chrono::steady_clock::now()));
  }
  return !stopping_.load();
}

FaultDecision FaultProxy::Decide(std::string_view method, std::string_view target,
                                 std::string_view path) {
  FaultDecision d;
  d.key = FaultKey(method, target);
  d.at = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    d.sequence = ++sequence_;
    d.occurrence = occurrences_[d.key]++;
    if (forced_) {
      d.kind = *forced_;
      d.rule = "forced";
    } else if (stall_path_ && std::regex_search(path.begin(), path.end(), *stall_path_)) {
      d.kind = FaultKind::kStall;
      d.rule = "stall-path";
    } else {
      d.kind = DecideFault(options_.seed, d.key, d.occurrence, options_.rates);
      d.rule = "seed";
    }
    decisions_.push_back(d);
  }
  if (options_.on_decision) options_.on_decision(d);
  return d;
}

void FaultProxy::Hold(int client) {
  std::string sink;
  while (!stopping_.load()) {
    sink.clear();
    const ssize_t n = ReadSome(client, sink, kPollMs);
    if (n == 0 || n == -1) break;  // the client gave up
  }
}

void FaultProxy::Serve(int client) {
  // The request head.
  std::string buffer;
  size_t head_end = std::string::npos;
  int idle_ms = 0;
  while (head_end == std::string::npos) {
    if (stopping_.load() || buffer.size() > kMaxHeadBytes || idle_ms > kIdleLimitMs) {
      Untrack(client);
      ::close(client);
      return;
    }
    const ssize_t n = ReadSome(client, buffer, kPollMs);
    if (n == 0 || n == -1) {
      Untrack(client);
      ::close(client);
      return;
    }
    idle_ms = n == -2 ? idle_ms + kPollMs : 0;
    head_end = buffer.find("\r\n\r\n");
  }
  const Head head = ParseHead(std::string_view(buffer).substr(0, head_end));
  std::string pending = buffer.substr(head_end + 4);  // the request body's first bytes

  std::istringstream line(head.first_line);
  std::string method, target;
  line >> method >> target;
  const std::string path = target.substr(0, target.find('?'));
  const FaultDecision decision = Decide(method, target, path);

  auto answer = [&](int status, const std::string& retry_after) {
    // Read the request body first: closing with unread bytes would send an RST instead.
    const int64_t length = head.ContentLength();
    int waited = 0;
    while (!stopping_.load() && waited < 10000 && pending.size() < kMaxDrainBytes) {
      if (length >= 0 && static_cast<int64_t>(pending.size()) >= length) break;
      if (length < 0 && (!head.Chunked() || ChunkedComplete(pending))) break;
      const ssize_t n = ReadSome(client, pending, kPollMs);
      if (n == 0 || n == -1) break;
      waited = n == -2 ? waited + kPollMs : 0;
    }
    const std::string body = "fault-proxy: injected " + std::to_string(status) + " " +
                             ReasonPhrase(status) + "\n";
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " + ReasonPhrase(status) +
                           "\r\nContent-Type: text/plain\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\n";
    if (!retry_after.empty()) response += "Retry-After: " + retry_after + "\r\n";
    response += "Connection: close\r\n\r\n" + body;
    SendAll(client, response);
    Untrack(client);
    CloseGracefully(client);
  };

  switch (decision.kind) {
    case FaultKind::kStatus500: return answer(500, "");
    case FaultKind::kStatus502: return answer(502, "");
    case FaultKind::kStatus503: return answer(503, "");
    case FaultKind::kTooManyRetryAfterSeconds:
      return answer(429, std::to_string(options_.retry_after_seconds));
    case FaultKind::kTooManyRetryAfterDate:
      // One second more than asked: an HTTP-date has whole seconds, so N seconds ahead can read
      // as N-1 by the time the client parses it.
      return answer(429, HttpDate(std::chrono::system_clock::now() +
                                  std::chrono::seconds(options_.retry_after_seconds + 1)));
    case FaultKind::kResetBeforeHeaders:
      Untrack(client);
      ResetAndClose(client);
      return;
    case FaultKind::kStall:
      Hold(client);
      Untrack(client);
      ::close(client);
      return;
    case FaultKind::kLatency:
      if (!SleepUnlessStopping(options_.latency)) {
        Untrack(client);
        ::close(client);
        return;
      }
      break;
    default:
      break;
  }
  Relay(client, head.WithConnectionClose(), std::move(pending), decision.kind);
}

void FaultProxy::Relay(int client, const std::string& head, std::string pending, FaultKind kind) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
  ::inet_pton(AF_INET, upstream_host_.c_str(), &addr.sin_addr);
  auto finish = [&](bool reset_client) {
    if (upstream >= 0) ::close(upstream);
    Untrack(client);
    if (reset_client) {
      ResetAndClose(client);
    } else {
      CloseGracefully(client);
    }
  };
  if (upstream < 0 || ::connect(upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    // The upstream itself is down: what a real proxy would say.
    const std::string body = "fault-proxy: upstream unreachable\n";
    SendAll(client, "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    return finish(false);
  }
  const int one = 1;
  ::setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (!SendAll(upstream, head) || !SendAll(upstream, pending)) return finish(true);

  std::string response;       // the response head while it is incomplete
  bool head_sent = false;
  int64_t body_left = -1;     // bytes of a Content-Length body still to relay; -1 unknown
  int idle_ms = 0;
  while (!stopping_.load() && idle_ms < kIdleLimitMs) {
    pollfd p[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
    const int ready = ::poll(p, 2, kPollMs);
    if (ready < 0 && errno != EINTR) return finish(false);
    if (ready <= 0) {
      idle_ms += kPollMs;
      continue;
    }
    idle_ms = 0;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {  // more of the request body
      std::string bytes;
      const ssize_t n = ReadSome(client, bytes, 0);
      if (n == 0 || n == -1) return finish(false);  // the client left
      if (n > 0) SendAll(upstream, bytes);
    }
    if (!(p[1].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    std::string bytes;
    const ssize_t n = ReadSome(upstream, bytes, 0);
    if (n == 0 || n == -1) {  // the upstream finished (Connection: close)
      if (!head_sent && !response.empty()) SendAll(client, response);
      return finish(false);
    }
    if (n < 0) continue;
    if (head_sent) {
      SendAll(client, bytes);
      if (body_left >= 0) {
        body_left -= static_cast<int64_t>(bytes.size());
        if (body_left <= 0) return finish(false);
      }
      continue;
    }
    response += bytes;
    const size_t end = response.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (response.size() > kMaxHeadBytes) return finish(true);
      continue;
    }
    const Head answer = ParseHead(std::string_view(response).substr(0, end));
    std::string body = response.substr(end + 4);
    std::istringstream status_line(answer.first_line);
    std::string version;
    int status = 0;
    status_line >> version >> status;
    const bool head_request = head.rfind("HEAD ", 0) == 0;
    int64_t length = answer.ContentLength();
    if (head_request || status == 204 || status == 304 || (status >= 100 && status < 200))
      length = 0;
    const std::string relayed_head = answer.WithConnectionClose();
    switch (kind) {
      case FaultKind::kResetAfterHeaders:
        SendAll(client, relayed_head);
        return finish(true);
      case FaultKind::kTruncateBody:
      case FaultKind::kStallHalfBody: {
        const size_t half = length > 0 ? static_cast<size_t>(length / 2) : body.size() / 2;
        SendAll(client, relayed_head);
        SendAll(client, std::string_view(body).substr(0, std::min(half, body.size())));
        if (kind == FaultKind::kTruncateBody) return finish(false);
        ::close(upstream);
        Hold(client);
        Untrack(client);
        ::close(client);
        return;
      }
      default:
        break;
    }
    SendAll(client, relayed_head);
    SendAll(client, body);
    head_sent = true;
    if (length >= 0) {
      body_left = length - static_cast<int64_t>(body.size());
      if (body_left <= 0) return finish(false);
    }
  }
  finish(false);
}

}  // namespace spaceport::support
