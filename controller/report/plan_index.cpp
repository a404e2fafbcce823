#include "report/plan_index.h"

#include <unordered_map>

namespace spaceport::report {

bool DeploymentView::quiet() const {
  return plan != nullptr && plan->state == plan::DeploymentState::kInSync && plan->notes.empty() &&
         drift.empty() && actions.empty();
}

bool ShowsReason(const plan::DeploymentPlan& d) {
  return !d.reason.empty() && d.reason != plan::to_string(d.state);
}

std::vector<DeploymentView> GroupByDeployment(const plan::Plan& plan) {
  std::vector<DeploymentView> views;
  views.reserve(plan.deployments.size());
  std::unordered_map<std::string, size_t> index;
  for (const plan::DeploymentPlan& d : plan.deployments) {
    index.emplace(d.key, views.size());
    views.push_back(DeploymentView{d.key, &d, {}, {}});
  }
  auto view_of = [&](const std::string& key) -> DeploymentView& {
    auto [it, inserted] = index.emplace(key, views.size());
    if (inserted) views.push_back(DeploymentView{key, nullptr, {}, {}});
    return views[it->second];
  };
  for (const plan::DriftItem& item : plan.drift) view_of(item.deployment).drift.push_back(&item);
  for (const plan::Action& action : plan.actions)
    view_of(action.deployment).actions.push_back(&action);
  return views;
}

}  // namespace spaceport::report
