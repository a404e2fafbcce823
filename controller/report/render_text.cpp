// The terminal rendering. Layout, for one deployment:
//
//   default/app: Progressing (WrapperStale) at apps.yaml:1:1
//     version v1.0.0 @ sha256:…
//     note: …
//     ghcr.io/o/app:hf-amd64-v1.0.0
//       ~ wrapper.base: sha256:old → sha256:new
//     space:o/app
//       ~ dockerfile:
//           - FROM …@sha256:old
//           + FROM …@sha256:new
//     actions:
//       #1 PublishWrapper ghcr.io/o/app:hf-amd64-v1.0.0
//          the base tag moved to a new digest
//          base = ghcr.io/o/app@sha256:new
//       #2 CommitSpaceFiles o/app (after #1)
//
// then the invalid documents with their errors, then the summary line.
#include <sstream>

#include "report/line_diff.h"
#include "report/plan_index.h"
#include "report/render.h"

namespace spaceport::report {
namespace {

// Empty strings would print as nothing at all; show them as "".
std::string Shown(const std::string& value) { return value.empty() ? "\"\"" : value; }

void WriteHeader(std::ostream& out, const DeploymentView& view) {
  out << view.key;
  if (view.plan == nullptr) {
    out << ": (not among the planned deployments)\n";
    return;
  }
  const plan::DeploymentPlan& d = *view.plan;
  out << ": " << plan::to_string(d.state);
  if (ShowsReason(d)) out << " (" << d.reason << ")";
  if (!d.file.empty()) out << " at " << d.file;
  out << '\n';
  if (!d.resolved_version.empty()) {
    out << "  version " << d.resolved_version;
    if (!d.resolved_digest.empty()) out << " @ " << d.resolved_digest;
    out << '\n';
  }
  for (const std::string& note : d.notes) out << "  note: " << note << '\n';
}

void WriteDriftItem(std::ostream& out, const plan::DriftItem& item) {
  if (!IsMultiLine(item.observed) && !IsMultiLine(item.desired)) {
    out << "    ~ " << item.field << ": " << Shown(item.observed) << " → " << Shown(item.desired)
        << '\n';
    return;
  }
  out << "    ~ " << item.field << ":\n";
  const std::vector<DiffLine> diff = DiffLines(item.observed, item.desired);
  for (const DiffLine& line : diff) {
    const std::string text = DiffLineText(line);
    out << (text.empty() ? "" : "        ") << text << '\n';
  }
  if (!HasChanges(diff)) out << "        (the two differ only in a final newline)\n";
}

void WriteDrift(std::ostream& out, const DeploymentView& view) {
  const std::string* target = nullptr;
  for (const plan::DriftItem* item : view.drift) {
    if (target == nullptr || *target != item->target) {
      target = &item->target;
      out << "  " << *target << '\n';
    }
    WriteDriftItem(out, *item);
  }
}

void WriteAction(std::ostream& out, const plan::Action& a) {
  out << "    #" << a.id << ' ' << plan::to_string(a.kind) << ' ' << a.target;
  if (!a.depends_on.empty()) {
    out << " (after ";
    for (size_t i = 0; i < a.depends_on.size(); ++i)
      out << (i == 0 ? "" : ", ") << '#' << a.depends_on[i];
    out << ')';
  }
  out << '\n';
  const std::string indent = "       ";
  if (!a.reason.empty()) out << indent << a.reason << '\n';
  for (const auto& [key, value] : a.params) {
    if (!IsMultiLine(value)) {
      out << indent << key << " = " << Shown(value) << '\n';
      continue;
    }
    out << indent << key << " =\n";
    for (const std::string& line : SplitLines(value)) out << indent << "  | " << line << '\n';
  }
}

void WriteInvalid(std::ostream& out, const plan::InvalidDeployment& doc) {
  out << doc.key << ": Invalid";
  if (!doc.position.empty()) out << " at " << doc.position;
  out << '\n';
  for (const std::string& error : doc.errors) out << "  " << error << '\n';
}

}  // namespace

std::string RenderText(const plan::Plan& plan) {
  std::ostringstream out;
  // Quiet deployments (in sync: a header and a version line) stack up tightly; a block with
  // drift, notes or actions gets a blank line on either side so it stands out in a long list.
  bool previous_was_block = false, first = true;
  for (const DeploymentView& view : GroupByDeployment(plan)) {
    const bool block = !view.quiet();
    if (!first && (block || previous_was_block)) out << '\n';
    first = false;
    previous_was_block = block;
    WriteHeader(out, view);
    WriteDrift(out, view);
    if (!view.actions.empty()) {
      out << "  actions:\n";
      for (const plan::Action* a : view.actions) WriteAction(out, *a);
    }
  }
  for (const plan::InvalidDeployment& doc : plan.invalid) {
    if (!first) out << '\n';
    first = false;
    WriteInvalid(out, doc);
  }

  const PlanSummary s = Summarize(plan);
  if (!first) out << '\n';
  out << "Plan: " << DescribeCounts(s) << '\n';
  return out.str();
}

}  // namespace spaceport::report
