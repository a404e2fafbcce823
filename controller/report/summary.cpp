#include <set>
#include <string>

#include "report/render.h"

namespace spaceport::report {
namespace {

std::string Count(int n, const char* one, const char* many) {
  return std::to_string(n) + ' ' + (n == 1 ? one : many);
}

}  // namespace

PlanSummary Summarize(const plan::Plan& plan) {
  PlanSummary s;
  s.deployments = static_cast<int>(plan.deployments.size());
  for (const plan::DeploymentPlan& d : plan.deployments)
    if (d.state == plan::DeploymentState::kInSync) ++s.in_sync;
  std::set<std::string> drifted;
  for (const plan::DriftItem& item : plan.drift) drifted.insert(item.deployment);
  s.drifted = static_cast<int>(drifted.size());
  s.actions = static_cast<int>(plan.actions.size());
  s.drift_items = static_cast<int>(plan.drift.size());
  s.invalid = static_cast<int>(plan.invalid.size());
  return s;
}

std::string DescribeCounts(const PlanSummary& s) {
  return Count(s.actions, "action", "actions") + ", " +
         Count(s.drift_items, "drift item", "drift items") + " in " +
         Count(s.drifted, "deployment", "deployments") + "; " + std::to_string(s.invalid) +
         " invalid";
}

}  // namespace spaceport::report
