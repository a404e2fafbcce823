// BudgetedTransport: an http::Transport that charges every request to the Hub's host against a
// shared HostBudget before it goes on the wire.
//
// It is http::RateLimitedTransport (http/rate_limited_transport.h) over the Hub's HostBudget,
// set up the Hub's way. HubClient puts it between its http::Client and the real transport, so
// every attempt the Client makes — first tries, 5xx retries, same-origin redirect hops — is
// admitted and counted by the budget, while requests to other origins (a CDN a download
// redirects to) pass through uncounted. A 429 from the Hub pauses the host
// (HostBudget::Observe) and comes back as a kResourceExhausted failure, not as a response:
// http::Client retries only kUnavailable failures, so it never retries a 429 blindly; the budget
// decides when the host may be tried again. A request the budget refuses is not sent and fails
// with kResourceExhausted too.
//
//   auto budget = std::make_shared<hub::HostBudget>(clock);
//   hub::BudgetedTransport wire(real_transport, budget, "https://huggingface.co");
//   http::Client client(wire, clock, {});
#pragma once

#include <memory>
#include <string>

#include "clients/hub/host_budget.h"
#include "http/http.h"
#include "http/rate_limited_transport.h"

namespace spaceport::hub {

class BudgetedTransport final : public http::RateLimitedTransport {
 public:
  // `inner` must outlive this; `origin` is the Hub's scheme://host[:port].
  BudgetedTransport(http::Transport& inner, std::shared_ptr<HostBudget> budget,
                    std::string origin);

  HostBudget& budget() const { return *budget_; }

 private:
  std::shared_ptr<HostBudget> budget_;
};

}  // namespace spaceport::hub
