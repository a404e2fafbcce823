// Renderings of a plan::Plan for people and for programs.
//
// Three pure functions turn a Plan into text; they read nothing but their argument, so the same
// Plan always renders to the same bytes (the golden tests in tests/report/ rely on it):
//   - RenderText: for a terminal, in the spirit of `terraform plan` and `flux diff`: one block per
//     deployment (state and reason, drift items `~ field: observed → desired`, numbered actions
//     with `(after #N)`), the invalid documents with their errors, and a closing summary line
//     `Plan: N actions, M drift items in K deployments; J invalid`.
//   - RenderMarkdown: for a pull-request comment: a summary table, a drift table and an action list
//     per deployment, invalid documents folded into <details>. Every value is escaped, so a `|`,
//     a backtick or a `<` in a spec cannot break the table or inject markup.
//   - RenderHtml: the drift view as one static HTML page, for an email or a CI artefact.
//   - RenderJson: the stable machine format documented in docs/plan-json.md
//     (apiVersion spaceport.dev/v1alpha1, kind Plan), pretty-printed with a 2-space indent.
// Secret values never reach a Plan (the planner sees fingerprints only), so no renderer can print
// one.
//
//   plan::Plan p = plan::MakePlan(loaded.deployments, observation);
//   plan::AddInvalid(loaded, p);
//   std::cout << report::RenderText(p);
#pragma once

#include <string>

#include "base/json.h"
#include "plan/plan.h"

namespace spaceport::report {

// The counts shown by every rendering (text summary line, Markdown table, JSON "summary").
struct PlanSummary {
  int deployments = 0;  // planned (valid) deployments
  int in_sync = 0;      // of those, state InSync
  int drifted = 0;      // of those, with at least one drift item
  int actions = 0;
  int drift_items = 0;
  int invalid = 0;      // documents that could not be planned
};

PlanSummary Summarize(const plan::Plan& plan);
// "4 actions, 5 drift items in 2 deployments; 1 invalid" (singular for 1): the summary line's
// wording, shared by the text and Markdown renderings.
std::string DescribeCounts(const PlanSummary& s);

std::string RenderText(const plan::Plan& plan);
std::string RenderMarkdown(const plan::Plan& plan);
// The JSON value behind RenderJson, for callers that embed a plan in a larger document.
Json PlanToJson(const plan::Plan& plan);
std::string RenderJson(const plan::Plan& plan);  // PlanToJson(plan).Dump(2) + "\n"
// The drift view as one self-contained HTML page (the console's stylesheet inlined, no script,
// a Content-Security-Policy allowing only that stylesheet): render_html.cpp.
std::string RenderHtml(const plan::Plan& plan);

}  // namespace spaceport::report
