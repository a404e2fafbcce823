// What the real registry saw: its access log, parsed.
//
// Distribution 2.8 writes one Apache "combined" line per request to stdout, including the ones it
// refused (401, 404), and RegistryProcess captures stdout in its log next to the structured lines:
//   127.0.0.1 - - [26/Nov/2026:05:33:56 +0000] "PUT /v2/o/app/manifests/v1 HTTP/1.1" 201 0 "" "x"
// Tests use it as an independent witness that nothing was written after a failure, and the
// wrapper benchmark uses it to count buildah's requests and uploads the same way as ours.
//
//   size_t mark = registry.Log().size();
//   … publish …
//   for (const auto& r : RequestsInLog(registry.Log(), mark)) if (r.IsWrite()) …
//
// A line is written just after its response is sent, so read the log a moment after the last
// response arrived (SettleLog) when the count matters.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace spaceport::act::testing {

struct LoggedRequest {
  std::string method;  // "PUT"
  std::string uri;     // path and query, as requested
  int status = 0;

  bool IsWrite() const {
    return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
  }
  // "digest=sha256%3A…" of a finished blob upload, decoded; "" for any other request.
  std::string UploadedDigest() const {
    if (method != "PUT" || uri.find("/blobs/uploads/") == std::string::npos) return "";
    size_t at = uri.find("digest=");
    if (at == std::string::npos) return "";
    std::string value = uri.substr(at + 7, uri.find('&', at) - (at + 7));
    size_t colon = value.find("%3A");
    if (colon != std::string::npos) value.replace(colon, 3, ":");
    return value;
  }
  std::string Line() const { return method + " " + uri + " " + std::to_string(status); }
};

// The access-log requests in `log` from byte offset `from` on (other log lines are skipped).
inline std::vector<LoggedRequest> RequestsInLog(const std::string& log, size_t from = 0) {
  std::vector<LoggedRequest> out;
  size_t at = std::min(from, log.size());
  while (at < log.size()) {
    size_t end = log.find('\n', at);
    if (end == std::string::npos) end = log.size();
    std::string_view line(log.data() + at, end - at);
    at = end + 1;
    if (line.rfind("level=", 0) == 0 || line.rfind("time=", 0) == 0) continue;
    size_t open = line.find('"');
    size_t close = open == std::string_view::npos ? open : line.find('"', open + 1);
    if (close == std::string_view::npos) continue;
    std::string_view request = line.substr(open + 1, close - open - 1);  // METHOD URI HTTP/1.1
    size_t s1 = request.find(' ');
    size_t s2 = request.rfind(' ');
    if (s1 == std::string_view::npos || s2 <= s1 || request.substr(s2 + 1, 5) != "HTTP/") continue;
    LoggedRequest r;
    r.method = std::string(request.substr(0, s1));
    r.uri = std::string(request.substr(s1 + 1, s2 - s1 - 1));
    r.status = std::atoi(std::string(line.substr(close + 2, 3)).c_str());
    out.push_back(std::move(r));
  }
  return out;
}

inline std::vector<LoggedRequest> WritesInLog(const std::string& log, size_t from = 0) {
  std::vector<LoggedRequest> writes;
  for (LoggedRequest& r : RequestsInLog(log, from))
    if (r.IsWrite()) writes.push_back(std::move(r));
  return writes;
}

// Gives the registry time to write the access-log line of the last response it sent.
inline void SettleLog() { std::this_thread::sleep_for(std::chrono::milliseconds(100)); }

}  // namespace spaceport::act::testing
