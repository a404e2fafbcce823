// MakePlan: the per-deployment pipeline (suspend → version → main image → wrappers → Spaces) and
// the assembly of the whole plan. The steps live in resolve_version, plan_image, plan_wrapper and
// plan_space; this file only sequences them and stops at the first step that stalls.
#include "plan/planner.h"

#include <algorithm>
#include <climits>
#include <map>
#include <string>
#include <utility>

#include "plan/plan_builder.h"
#include "plan/plan_image.h"
#include "plan/plan_space.h"
#include "plan/plan_wrapper.h"
#include "resolve/observation_index.h"
#include "resolve/resolve_version.h"

namespace spaceport::plan {
namespace {

// Indexes built once per plan, so that planning N deployments costs O(N log N), not O(N²).
struct Indexes {
  const resolve::ObservationIndex& observation;
  resolve::TagIndex tags;
  BuildIndex builds;
  SpecHashCache spec_hashes;
};

void PlanDeployment(const spec::SpaceDeployment& d, Indexes& indexes, DeploymentBuilder& b) {
  if (d.suspend) {
    b.Suspend();
    return;
  }
  resolve::ResolvedVersion version = resolve::ResolveVersion(d, indexes.observation, indexes.tags);
  for (auto& note : version.notes) b.AddNote(std::move(note));
  if (!version.stall_reason.empty()) {
    b.Stall(version.stall_reason);
    return;
  }
  const observe::Repository& repository = *version.repository;

  ImagePlan image = PlanMainImage(d, version.version, repository, indexes.builds, b);
  if (b.stalled()) return;

  WrapperPlan wrappers =
      PlanWrappers(d, version.version, repository, image, indexes.spec_hashes, b);
  if (b.stalled()) return;

  SpaceInputs inputs{version.version, image.base ? image.base->digest : std::string(),
                     wrappers.space_ref, wrappers.space_action};
  for (const auto& space : d.spaces) PlanSpace(d, space, indexes.observation, inputs, b);
}

std::string PositionText(const spec::Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

}  // namespace

Plan MakePlan(const std::vector<spec::SpaceDeployment>& desired,
              const observe::Observation& observation) {
  // Keys are built once: Key() allocates, and a comparator calling it would do so N log N times.
  std::vector<std::pair<std::string, const spec::SpaceDeployment*>> order;
  order.reserve(desired.size());
  for (const auto& d : desired) order.emplace_back(d.Key(), &d);
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });

  Plan plan;
  plan.deployments.reserve(desired.size());
  resolve::ObservationIndex observed(observation);
  Indexes indexes{observed, resolve::TagIndex(observed), BuildIndex(observation.builds), SpecHashCache()};
  for (const auto& [key, d] : order) {
    DeploymentBuilder builder(*d, plan);
    PlanDeployment(*d, indexes, builder);
    builder.Finish(plan);
  }
  return plan;
}

// A diagnostic belongs to the document whose lines contain it: from its start line up to the next
// document's start in the same file. The first document of a file also takes what comes before
// it, including file-level errors without a line, so no error is left unattributed.
void AddInvalid(const spec::LoadResult& loaded, Plan& plan) {
  std::map<std::string, std::vector<int>> starts;  // document start lines per file
  for (const auto& d : loaded.deployments) starts[d.position.file].push_back(d.position.line);
  for (const auto& doc : loaded.invalid) starts[doc.position.file].push_back(doc.position.line);
  for (auto& [file, lines] : starts) std::sort(lines.begin(), lines.end());

  std::map<std::string, std::vector<const spec::Diagnostic*>> errors;  // per file, by line
  for (const auto& diag : loaded.diagnostics)
    if (diag.severity == spec::Severity::kError) errors[diag.position.file].push_back(&diag);
  for (auto& [file, list] : errors) {
    std::stable_sort(list.begin(), list.end(), [](const auto* a, const auto* b) {
      return a->position.line < b->position.line;
    });
  }

  for (const auto& doc : loaded.invalid) {
    InvalidDeployment out;
    out.key = doc.key;
    out.position = PositionText(doc.position);
    const std::vector<int>& lines = starts[doc.position.file];
    const int begin = doc.position.line <= lines.front() ? INT_MIN : doc.position.line;
    auto next = std::upper_bound(lines.begin(), lines.end(), doc.position.line);
    const int end = next == lines.end() ? INT_MAX : *next;
    if (auto it = errors.find(doc.position.file); it != errors.end()) {
      const auto& list = it->second;
      auto first = std::partition_point(list.begin(), list.end(), [&](const auto* diag) {
        return diag->position.line < begin;
      });
      for (; first != list.end() && (*first)->position.line < end; ++first)
        out.errors.push_back((*first)->ToString());
    }
    plan.invalid.push_back(std::move(out));
  }
}

}  // namespace spaceport::plan
