// BudgetedTransport: an http::Transport that charges every request to the Hub's host against a
// shared HostBudget before it goes on the wire.
//
// HubClient puts it between its http::Client and the real transport, so every attempt the
// Client makes — first tries, 5xx retries, same-origin redirect hops — is admitted and counted
// by the budget, while requests to other origins (a CDN a download redirects to) pass through
// uncounted. A 429 from the Hub pauses the host (HostBudget::Observe) and comes back as a
// kResourceExhausted failure, not as a response: http::Client retries only kUnavailable
// failures, so it never retries a 429 blindly; the budget decides when the host may be tried
// again. A request the budget refuses is not sent and fails with kResourceExhausted too.
//
//   auto budget = std::make_shared<hub::HostBudget>(clock);
//   hub::BudgetedTransport wire(real_transport, budget, "https://huggingface.co");
//   http::Client client(wire, clock, {});
#pragma once

#include <memory>
#include <string>

#include "clients/hub/host_budget.h"
#include "http/http.h"

namespace spaceport::hub {

class BudgetedTransport final : public http::Transport {
 public:
  // `inner` must outlive this; `origin` is the Hub's scheme://host[:port].
  BudgetedTransport(http::Transport& inner, std::shared_ptr<HostBudget> budget,
                    std::string origin);

  Result<http::Response> Send(const http::Request& request) override;

  HostBudget& budget() const { return *budget_; }

 private:
  http::Transport& inner_;
  std::shared_ptr<HostBudget> budget_;
  std::string origin_;
};

}  // namespace spaceport::hub
