// DeploymentBuilder: collects the outcome of planning one SpaceDeployment (actions, drift items,
// notes, stall reason) and folds it into the Plan when done. Internal to plan/.
//
// Action ids are global: a builder starts numbering at plan.actions.size() + 1, so ids run 1..N in
// execution order across the whole plan. Under driftPolicy warn the builder still hands out ids
// (the planning code wires dependencies the same way in both modes), but Finish drops the actions,
// and FutureValue names no action that will not exist.
//
//   DeploymentBuilder b(deployment, plan);
//   int build = b.AddAction(ActionKind::kBuildImage, "ghcr.io/o/a:v1", params, {}, "tag missing");
//   b.AddDrift("ghcr.io/o/a:v1", "image.tag", "v1", "<absent>");
//   b.Finish(plan);   // appends the DeploymentPlan, drift and (unless warn) actions
#pragma once

#include <map>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "spec/types.h"

namespace spaceport::plan {

using Params = std::map<std::string, std::string>;

class DeploymentBuilder {
 public:
  DeploymentBuilder(const spec::SpaceDeployment& deployment, const Plan& plan);

  const std::string& key() const { return result_.key; }

  // Returns the new action's id; depends_on lists ids returned earlier (0 entries are skipped).
  int AddAction(ActionKind kind, std::string target, Params params, std::vector<int> depends_on,
                std::string reason);
  // The placeholder for a value only known once action `id` ran (a wrapper digest).
  std::string FutureValue(int id) const;

  void AddDrift(std::string target, std::string field, std::string desired, std::string observed);
  void AddNote(std::string note) { result_.notes.push_back(std::move(note)); }

  // Records why the deployment cannot progress; the first reason given wins.
  void Stall(std::string reason);
  bool stalled() const { return !stall_reason_.empty(); }

  void SetResolved(std::string version, std::string digest);
  // A final state that is decided up front (Suspended) rather than derived.
  void Suspend();

  // Derives state and reason, then appends the deployment, its drift and its actions to plan.
  void Finish(Plan& plan);

 private:
  bool record_actions_;
  bool suspended_ = false;
  int next_id_;
  std::string stall_reason_;
  DeploymentPlan result_;
  std::vector<DriftItem> drift_;
  std::vector<Action> actions_;
};

}  // namespace spaceport::plan
