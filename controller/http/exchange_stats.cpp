#include "http/exchange_stats.h"

#include <map>
#include <memory>
#include <mutex>
#include <utility>

namespace spaceport::http {
namespace {

struct Counts {
  std::mutex mu;
  std::map<std::pair<std::string, std::string>, int64_t> by_host_code;
  std::shared_ptr<const std::function<void(const std::string&, const std::string&)>> observer;
};

Counts& Global() {
  static Counts* counts = new Counts();  // never destroyed: transports may outlive statics
  return *counts;
}

}  // namespace

void RecordExchange(const std::string& host, const std::string& code) {
  Counts& c = Global();
  std::shared_ptr<const std::function<void(const std::string&, const std::string&)>> observer;
  {
    std::lock_guard<std::mutex> lock(c.mu);
    ++c.by_host_code[{host, code}];
    observer = c.observer;
  }
  if (observer) (*observer)(host, code);
}

void SetExchangeObserver(std::function<void(const std::string& host, const std::string& code)> observer) {
  Counts& c = Global();
  auto shared = std::make_shared<const std::function<void(const std::string&, const std::string&)>>(
      std::move(observer));
  std::lock_guard<std::mutex> lock(c.mu);
  c.observer = std::move(shared);
}

std::vector<ExchangeCount> ExchangeCounts() {
  Counts& c = Global();
  std::lock_guard<std::mutex> lock(c.mu);
  std::vector<ExchangeCount> out;
  for (const auto& [key, n] : c.by_host_code) out.push_back({key.first, key.second, n});
  return out;
}

}  // namespace spaceport::http
