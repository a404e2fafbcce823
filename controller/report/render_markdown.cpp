// The pull-request rendering (GitHub-flavoured Markdown). Layout:
//
//   ## Spaceport plan
//   summary table (deployments, in sync, drifted, actions, drift items, invalid)
//   ### `default/app`: Progressing (WrapperStale)       one section per deployment with news
//   Declared at … · version … · notes as a quote
//   | Target | Field | Observed | Desired |             drift table; multi-line values as a
//   <details> with a ```diff block                       folded diff under the table
//   **Actions**, a bullet per action (ids are global, so no ordered list that would renumber)
//   <details> N deployments in sync </details>          quiet deployments, folded
//   <details> N invalid documents </details>            with every error
//   **Plan:** the text summary line
//
// Every value goes through markdown_escape.h: values are code spans, prose is escaped.
#include <sstream>

#include "report/line_diff.h"
#include "report/markdown_escape.h"
#include "report/plan_index.h"
#include "report/render.h"

namespace spaceport::report {
namespace {

const char* Plural(int n, const char* one, const char* many) { return n == 1 ? one : many; }

void WriteSummaryTable(std::ostream& out, const PlanSummary& s) {
  out << "| Deployments | In sync | Drifted | Actions | Drift items | Invalid |\n"
      << "|---:|---:|---:|---:|---:|---:|\n"
      << "| " << s.deployments << " | " << s.in_sync << " | " << s.drifted << " | " << s.actions
      << " | " << s.drift_items << " | " << s.invalid << " |\n\n";
}

void WriteHeading(std::ostream& out, const DeploymentView& view) {
  out << "### " << CodeSpan(view.key);
  if (view.plan == nullptr) {
    out << ": not among the planned deployments\n\n";
    return;
  }
  const plan::DeploymentPlan& d = *view.plan;
  out << ": " << plan::to_string(d.state);
  if (ShowsReason(d)) out << " (" << MarkdownText(d.reason) << ")";
  out << "\n\n";
  std::string sep;
  if (!d.file.empty()) {
    out << "Declared at " << CodeSpan(d.file);
    sep = " · ";
  }
  if (!d.resolved_version.empty()) {
    out << sep << "version " << CodeSpan(d.resolved_version);
    if (!d.resolved_digest.empty()) out << " (" << CodeSpan(d.resolved_digest) << ")";
    sep = " · ";
  }
  if (!sep.empty()) out << "\n\n";
  for (size_t i = 0; i < d.notes.size(); ++i)
    out << (i == 0 ? "" : ">\n") << "> **Note:** " << MarkdownText(d.notes[i]) << '\n';
  if (!d.notes.empty()) out << '\n';
}

// A cell for one side of a drift item: the value itself, or a pointer to the diff below.
std::string ValueCell(const std::string& value, bool as_diff) {
  if (!as_diff) return CodeSpan(value, Cell::kTable);
  const size_t lines = SplitLines(value).size();
  return std::to_string(lines) + (lines == 1 ? " line" : " lines") + ", see diff";
}

void WriteDiffBlock(std::ostream& out, const plan::DriftItem& item) {
  std::ostringstream body;
  const std::vector<DiffLine> diff = DiffLines(item.observed, item.desired);
  for (const DiffLine& line : diff) body << DiffLineText(line) << '\n';
  if (!HasChanges(diff)) body << "# the two differ only in a final newline\n";
  const std::string fence = CodeFence(body.str());
  out << "<details>\n<summary>" << HtmlText(item.field) << " on " << HtmlText(item.target)
      << " (− observed, + desired)</summary>\n\n"
      << fence << "diff\n" << body.str() << fence << "\n\n</details>\n\n";
}

void WriteDrift(std::ostream& out, const DeploymentView& view) {
  if (view.drift.empty()) return;
  out << "| Target | Field | Observed | Desired |\n|---|---|---|---|\n";
  std::vector<const plan::DriftItem*> diffs;
  for (const plan::DriftItem* item : view.drift) {
    const bool as_diff = IsMultiLine(item->observed) || IsMultiLine(item->desired);
    if (as_diff) diffs.push_back(item);
    out << "| " << CodeSpan(item->target, Cell::kTable) << " | "
        << CodeSpan(item->field, Cell::kTable) << " | " << ValueCell(item->observed, as_diff)
        << " | " << ValueCell(item->desired, as_diff) << " |\n";
  }
  out << '\n';
  for (const plan::DriftItem* item : diffs) WriteDiffBlock(out, *item);
}

void WriteAction(std::ostream& out, const plan::Action& a) {
  out << "- **#" << a.id << " " << plan::to_string(a.kind) << "** " << CodeSpan(a.target);
  if (!a.depends_on.empty()) {
    out << " (after ";
    for (size_t i = 0; i < a.depends_on.size(); ++i)
      out << (i == 0 ? "" : ", ") << '#' << a.depends_on[i];
    out << ')';
  }
  if (!a.reason.empty()) out << ": " << MarkdownText(a.reason);
  out << '\n';
  for (const auto& [key, value] : a.params) {
    out << "  - " << CodeSpan(key) << ": ";
    out << (IsMultiLine(value) ? std::to_string(SplitLines(value).size()) + " lines"
                               : CodeSpan(value))
        << '\n';
  }
}

void WriteQuiet(std::ostream& out, const std::vector<const DeploymentView*>& quiet) {
  if (quiet.empty()) return;
  const int n = static_cast<int>(quiet.size());
  out << "<details>\n<summary>" << n << ' ' << Plural(n, "deployment", "deployments")
      << " in sync</summary>\n\n";
  for (const DeploymentView* v : quiet) {
    out << "- " << CodeSpan(v->key);
    if (!v->plan->file.empty()) out << " at " << CodeSpan(v->plan->file);
    out << '\n';
  }
  out << "\n</details>\n\n";
}

void WriteInvalid(std::ostream& out, const std::vector<plan::InvalidDeployment>& invalid) {
  if (invalid.empty()) return;
  const int n = static_cast<int>(invalid.size());
  out << "<details>\n<summary>" << n << " invalid " << Plural(n, "document", "documents")
      << "</summary>\n\n";
  for (const plan::InvalidDeployment& doc : invalid) {
    out << "- " << CodeSpan(doc.key);
    if (!doc.position.empty()) out << " at " << CodeSpan(doc.position);
    out << '\n';
    for (const std::string& error : doc.errors) out << "  - " << CodeSpan(error) << '\n';
  }
  out << "\n</details>\n\n";
}

}  // namespace

std::string RenderMarkdown(const plan::Plan& plan) {
  std::ostringstream out;
  const PlanSummary s = Summarize(plan);
  out << "## Spaceport plan\n\n";
  WriteSummaryTable(out, s);

  std::vector<DeploymentView> views = GroupByDeployment(plan);
  std::vector<const DeploymentView*> quiet;
  for (const DeploymentView& view : views) {
    if (view.quiet()) {
      quiet.push_back(&view);
      continue;
    }
    WriteHeading(out, view);
    WriteDrift(out, view);
    if (!view.actions.empty()) {
      out << "**Actions**\n\n";
      for (const plan::Action* a : view.actions) WriteAction(out, *a);
      out << '\n';
    }
  }
  WriteQuiet(out, quiet);
  WriteInvalid(out, plan.invalid);

  out << "**Plan:** " << DescribeCounts(s) << '\n';
  return out.str();
}

}  // namespace spaceport::report
