// Exchange statistics: how many HTTP exchanges this process had with each host, by status code,
// for the controller's spaceport_api_requests_total{host,code} metric.
//
// Every Transport made by MakeTransport records each exchange here (one per hop: retries and
// redirects count separately, as the remote API counts them). Transport failures (no response)
// count under code "error". Process-wide, like Prometheus' default registry: the clients create
// their own transports, and one place sees them all. Hosts are "host[:port]"; paths, queries and
// headers are never recorded.
//
//   http::RecordExchange("huggingface.co", "200");
//   for (const auto& c : http::ExchangeCounts()) std::cout << c.host << " " << c.code << " " << c.count;
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace spaceport::http {

struct ExchangeCount {
  std::string host;
  std::string code;  // "200", "429", ..., or "error"
  int64_t count = 0;
};

void RecordExchange(const std::string& host, const std::string& code);
// Sorted by host, then code.
std::vector<ExchangeCount> ExchangeCounts();

// Also hands every exchange to `observer` (one at most; a later call replaces it), outside the
// counters' lock; for runtime/upstream_health.h, which says which host is failing since when.
void SetExchangeObserver(std::function<void(const std::string& host, const std::string& code)> observer);

}  // namespace spaceport::http
