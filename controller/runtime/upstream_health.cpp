#include "runtime/upstream_health.h"

#include <algorithm>

#include "http/exchange_stats.h"

namespace spaceport::runtime {

bool IsUpstreamFailure(std::string_view code) {
  return code == "error" || code == "429" || (code.size() == 3 && code[0] == '5');
}

void UpstreamHealth::Record(const std::string& host, const std::string& code, Clock::TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  UpstreamState& s = hosts_[host];
  s.host = host;
  s.last_code = code;
  ++s.exchanges_total;
  if (IsUpstreamFailure(code)) {
    if (s.consecutive_failures == 0) run_start_[host] = now;
    ++s.consecutive_failures;
    ++s.failures_total;
    if (!s.failing && s.consecutive_failures >= kFailingAfter) {
      s.failing = true;
      s.since = run_start_[host];
    }
  } else {
    s.consecutive_failures = 0;
    s.failing = false;
    s.since = now;
  }
}

std::vector<UpstreamState> UpstreamHealth::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<UpstreamState> out;
  for (const auto& [host, s] : hosts_) out.push_back(s);
  return out;
}

Json UpstreamsJson(const std::vector<UpstreamState>& states) {
  std::vector<UpstreamState> sorted = states;
  std::stable_sort(sorted.begin(), sorted.end(), [](const UpstreamState& a, const UpstreamState& b) {
    return a.failing && !b.failing;
  });
  Json out = Json::Array();
  for (const UpstreamState& s : sorted) {
    Json item = Json::Object();
    item.Append("host", Json(s.host));
    item.Append("state", Json(s.failing ? "Failing" : "Ok"));
    if (s.since != Clock::TimePoint{}) item.Append("since", Json(FormatRfc3339(s.since)));
    item.Append("lastCode", Json(s.last_code));
    item.Append("consecutiveFailures", Json(s.consecutive_failures));
    item.Append("failures", Json(s.failures_total));
    item.Append("requests", Json(s.exchanges_total));
    out.Push(std::move(item));
  }
  return out;
}

UpstreamHealth& ProcessUpstreamHealth() {
  static UpstreamHealth* health = [] {
    auto* h = new UpstreamHealth();  // never destroyed: transports may outlive statics
    http::SetExchangeObserver([h](const std::string& host, const std::string& code) {
      h->Record(host, code, std::chrono::system_clock::now());
    });
    return h;
  }();
  return *health;
}

}  // namespace spaceport::runtime
