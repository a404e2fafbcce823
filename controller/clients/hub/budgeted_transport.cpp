#include "clients/hub/budgeted_transport.h"

#include "clients/hub/hub_error.h"

namespace spaceport::hub {

BudgetedTransport::BudgetedTransport(http::Transport& inner, std::shared_ptr<HostBudget> budget,
                                     std::string origin)
    : http::RateLimitedTransport(inner, budget,
                                 {.origin = std::move(origin),
                                  .describe_rate_limited = DescribeHubError}),
      budget_(std::move(budget)) {}

}  // namespace spaceport::hub
