// DeploymentView: one deployment's slice of a Plan, for renderers that print per deployment.
//
// A Plan keeps drift items and actions in flat lists (actions are globally numbered and ordered
// by dependency), while the text and Markdown reports are organised by deployment. The view is
// built once, in one pass, so a plan of 10,000 deployments renders in linear time. Views follow
// plan.deployments order; drift and actions keep their order within the Plan. Drift or actions
// naming a deployment that is not in plan.deployments (a planner bug, but a report must never hide
// anything) get a view of their own with `plan == nullptr`, after the others.
//
//   for (const DeploymentView& v : GroupByDeployment(plan)) print(v.key, v.drift.size());
#pragma once

#include <string>
#include <vector>

#include "plan/plan.h"

namespace spaceport::report {

struct DeploymentView {
  std::string key;
  const plan::DeploymentPlan* plan = nullptr;  // null for a key only seen in drift/actions
  std::vector<const plan::DriftItem*> drift;
  std::vector<const plan::Action*> actions;

  // Nothing to show beyond a one-line header: in sync, no notes, no drift, no actions.
  bool quiet() const;
};

std::vector<DeploymentView> GroupByDeployment(const plan::Plan& plan);

// The reason adds something to the state: not empty and not the state's own name
// ("Drifted (Drifted)" says nothing twice).
bool ShowsReason(const plan::DeploymentPlan& d);

}  // namespace spaceport::report
