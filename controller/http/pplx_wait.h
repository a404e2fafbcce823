// Waiting for a cpprestsdk task from one of OUR threads, with a deadline. Include only from the
// cpprest translation units (transport_cpprest.cpp). Two rules of pplx shape this helper:
//  - a task whose exception nobody observes terminates the process, so the bridge continuation
//    observes every outcome;
//  - blocking a pool thread can deadlock the fixed pool, so only the caller's thread waits.
//
//   pplx::cancellation_token_source cts;
//   auto f = http::ToFuture(client.request(req, cts.get_token()));
//   if (!http::AwaitOrCancel(f, deadline, cts)) return DeadlineExceeded(...);
//   http_response r = f.get();  // may rethrow the transport's exception
#pragma once

#include <pplx/pplxtasks.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <future>
#include <memory>

namespace spaceport::http {

template <typename T>
std::future<T> ToFuture(pplx::task<T> task) {
  auto promise = std::make_shared<std::promise<T>>();
  std::future<T> future = promise->get_future();
  task.then([promise](pplx::task<T> done) {
    try {
      promise->set_value(done.get());
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  });
  return future;
}

// True when the future became ready before the deadline. Otherwise cancels the exchange and
// gives cpprestsdk a moment to unwind; buffers written by pending reads must be owned by their
// continuations, since a task that ignores the cancellation is abandoned after the grace period.
// `cancel` (optional): when it becomes true the wait ends as at the deadline (checked every 100 ms).
template <typename T>
bool AwaitOrCancel(std::future<T>& future, std::chrono::steady_clock::time_point deadline,
                   pplx::cancellation_token_source& cts, const std::atomic<bool>* cancel = nullptr) {
  if (cancel == nullptr) {
    if (future.wait_until(deadline) == std::future_status::ready) return true;
  } else {
    while (!*cancel) {
      const auto slice = std::min(deadline, std::chrono::steady_clock::now() + std::chrono::milliseconds(100));
      if (future.wait_until(slice) == std::future_status::ready) return true;
      if (slice >= deadline) break;
    }
  }
  cts.cancel();
  future.wait_for(std::chrono::seconds(2));
  return false;
}

}  // namespace spaceport::http
