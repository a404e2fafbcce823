#include "clients/hub/budgeted_transport.h"

#include "clients/hub/hub_error.h"

namespace spaceport::hub {

BudgetedTransport::BudgetedTransport(http::Transport& inner, std::shared_ptr<HostBudget> budget,
                                     std::string origin)
    : inner_(inner), budget_(std::move(budget)), origin_(std::move(origin)) {}

Result<http::Response> BudgetedTransport::Send(const http::Request& request) {
  Result<http::Url> url = http::Url::Parse(request.url);
  if (!url.ok() || url->Origin() != origin_) return inner_.Send(request);

  if (Status admitted = budget_->Acquire(request.method + " " + origin_); !admitted.ok()) {
    return admitted;
  }
  Result<http::Response> response = inner_.Send(request);
  if (!response.ok()) return response;
  budget_->Observe(*response);
  if (response->status != 429) return response;

  std::string message = DescribeHubError(*response) + " from " + origin_;
  if (auto pause = budget_->PauseRemaining()) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*pause).count();
    message += "; every request to this host is paused for " + std::to_string((ms + 999) / 1000) +
               " s";
  }
  return Status(StatusCode::kResourceExhausted, std::move(message));
}

}  // namespace spaceport::hub
