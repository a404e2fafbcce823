// What the controller shows of itself to its readers (the HTTP API, the console, the leader
// election): the merged plan, the statuses (whole or a page), the deployments, the revision, the
// budget reports and the leadership. Each takes the controller's mutex for a copy and nothing
// more. Split from controller.cpp, which keeps the work loop.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/action_ref.h"
#include "plan/planner.h"
#include "runtime/controller.h"

namespace spaceport::runtime {

std::vector<BudgetReport> Controller::BudgetReports() const {
  return {hub_schedule_.Report(), github_schedule_.Report()};
}

void Controller::SetLeadership(const std::string& lease, bool leading, const std::string& holder) {
  metrics_.Set("leader_election_master_status", {lease}, leading ? 1 : 0);
  std::lock_guard<std::mutex> lock(mu_);
  leadership_ = leading ? "leader" : "standby" + (holder.empty() ? "" : " (lease held by " + holder + ")");
}

std::string Controller::Leadership() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leadership_;
}

plan::Plan Controller::CurrentPlan() const {
  plan::Plan merged;
  std::lock_guard<std::mutex> lock(mu_);
  int next_id = 1;
  for (const auto& [key, p] : plans_) {
    merged.deployments.insert(merged.deployments.end(), p.deployments.begin(), p.deployments.end());
    merged.drift.insert(merged.drift.end(), p.drift.begin(), p.drift.end());
    // Ids are per pass; renumber so the merged plan's ids stay unique and ascending.
    std::map<int, int> ids;
    for (const plan::Action& a : p.actions) ids[a.id] = next_id++;
    for (plan::Action a : p.actions) {
      a.id = ids[a.id];
      for (int& dep : a.depends_on) dep = ids.count(dep) ? ids[dep] : dep;
      // One scan per value: a reference renumbered to itself (the first plan's) or along a
      // chain (1 -> 2 while 2 -> 3) is rewritten once; rescanning looped for ever on the former.
      for (auto& [name, value] : a.params)
        value = plan::SubstituteActionRefs(value, [&ids](int id) -> std::optional<std::string> {
          auto to = ids.find(id);
          return to == ids.end() ? std::nullopt : std::optional<std::string>(plan::ActionRef(to->second));
        });
      merged.actions.push_back(std::move(a));
    }
  }
  plan::AddInvalid(last_load_, merged);
  return merged;
}

std::vector<DeploymentStatus> Controller::Statuses() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeploymentStatus> out;
  for (const auto& [key, s] : statuses_)
    if (deployments_.count(key)) out.push_back(s);
  return out;
}

std::vector<DeploymentStatus> Controller::StatusPage(const std::string& after, size_t limit,
                                                    size_t& remaining) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<DeploymentStatus> out;
  remaining = 0;
  for (auto it = statuses_.upper_bound(after); it != statuses_.end(); ++it) {
    if (!deployments_.count(it->first)) continue;
    if (limit == 0 || out.size() < limit) {
      out.push_back(it->second);
    } else {
      ++remaining;
    }
  }
  return out;
}

std::vector<spec::SpaceDeployment> Controller::Deployments() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<spec::SpaceDeployment> out;
  out.reserve(deployments_.size());
  for (const auto& [key, d] : deployments_) out.push_back(d);
  return out;
}

std::string Controller::Revision() const {
  std::lock_guard<std::mutex> lock(mu_);
  return revision_;
}

}  // namespace spaceport::runtime
