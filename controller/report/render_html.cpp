// The drift view as one self-contained HTML file (`spaceport plan -o html > drift.html`): for an
// email or a CI artefact. Layout, in the console's own stylesheet (inlined):
//
//   <h1>Spaceport drift report</h1>  the summary line
//   counts                           deployments, in sync, drifted, actions, drift items, invalid
//   Deployments table                key, state (badge), reason, version, declared at, notes
//   Drift table                      deployment, target, field, desired, observed
//   Actions table                    id, deployment, action, target, why, after
//   Invalid documents                each with its errors
//
// It runs nothing: there is no script, and a Content-Security-Policy meta element allows only
// the inlined stylesheet (by its SHA-256), so even a viewer that ignores escaping could not run
// one. Every value is HTML-escaped; secret values never reach a Plan.
#include <sstream>

#include "base/base64.h"
#include "base/digest.h"
#include "report/console_assets.h"
#include "report/markdown_escape.h"
#include "report/render.h"

namespace spaceport::report {
namespace {

// The console's stylesheet (embedded from console/console.css).
std::string Stylesheet() {
  const console::Asset* css = console::FindAsset("console.css");
  return css ? std::string(css->bytes) : std::string();
}

std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

const char* StateClass(plan::DeploymentState s) {
  switch (s) {
    case plan::DeploymentState::kInSync: return "state-ready";
    case plan::DeploymentState::kProgressing: return "state-progressing";
    case plan::DeploymentState::kDrifted: return "state-drifted";
    case plan::DeploymentState::kStalled: return "state-failed";
    case plan::DeploymentState::kSuspended: return "state-suspended";
  }
  return "state-suspended";
}

void TextCell(std::ostream& out, const std::string& text, const char* tag = "td") {
  out << '<' << tag << '>' << HtmlEscape(text) << "</" << tag << '>';
}

void CodeCell(std::ostream& out, const std::string& text) {
  out << "<td><code>" << HtmlEscape(text) << "</code></td>";
}

}  // namespace

std::string RenderHtml(const plan::Plan& plan) {
  const PlanSummary s = Summarize(plan);
  const std::string css = Stylesheet();
  const std::string style_hash = Base64Encode(HexToBytes(Sha256Hex(css)));
  std::ostringstream out;
  out << "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'sha256-" << style_hash
      << "'; base-uri 'none'; form-action 'none'\">\n"
      << "<title>Spaceport drift report</title>\n<style>" << css << "</style>\n</head>\n<body>\n<main class=\"report\">\n"
      << "<h1>Spaceport drift report</h1>\n<p class=\"report-meta\">" << HtmlEscape(DescribeCounts(s)) << "</p>\n";

  out << "<div class=\"counts\">";
  const std::pair<const char*, int> counts[] = {{"Deployments", s.deployments}, {"In sync", s.in_sync},
                                                {"Drifted", s.drifted},          {"Actions", s.actions},
                                                {"Drift items", s.drift_items},  {"Invalid", s.invalid}};
  for (const auto& [label, n] : counts)
    out << "<div class=\"count\"><span class=\"n\">" << n << "</span><span class=\"label\">" << label << "</span></div>";
  out << "</div>\n";

  out << "<h2>Deployments</h2>\n<div class=\"table-wrap\"><table class=\"fleet\"><thead><tr><th scope=\"col\">Deployment</th>"
         "<th scope=\"col\">State</th><th scope=\"col\">Reason</th><th scope=\"col\">Version</th><th scope=\"col\">Declared at</th>"
         "<th scope=\"col\">Notes</th></tr></thead><tbody>\n";
  for (const plan::DeploymentPlan& d : plan.deployments) {
    out << "<tr>";
    TextCell(out, d.key, "th");
    out << "<td><span class=\"badge " << StateClass(d.state) << "\">" << HtmlEscape(plan::to_string(d.state))
        << "</span></td>";
    TextCell(out, d.reason);
    out << "<td>" << HtmlEscape(d.resolved_version);
    if (!d.resolved_digest.empty()) out << "<br><code>" << HtmlEscape(d.resolved_digest) << "</code>";
    out << "</td>";
    TextCell(out, d.file);
    out << "<td>";
    for (size_t i = 0; i < d.notes.size(); ++i) out << (i ? "<br>" : "") << HtmlEscape(d.notes[i]);
    out << "</td></tr>\n";
  }
  out << "</tbody></table></div>\n";

  out << "<h2>Drift</h2>\n";
  if (plan.drift.empty()) {
    out << "<p class=\"muted\">No drift: every observed field matches the desired state.</p>\n";
  } else {
    out << "<div class=\"table-wrap\"><table class=\"drift-table\"><thead><tr><th scope=\"col\">Deployment</th>"
           "<th scope=\"col\">Target</th><th scope=\"col\">Field</th><th scope=\"col\">Desired</th><th scope=\"col\">Observed</th>"
           "</tr></thead><tbody>\n";
    for (const plan::DriftItem& item : plan.drift) {
      out << "<tr>";
      TextCell(out, item.deployment);
      TextCell(out, item.target);
      TextCell(out, item.field, "th");
      const bool multiline = item.desired.find('\n') != std::string::npos || item.observed.find('\n') != std::string::npos;
      if (multiline) {
        out << "<td><pre>" << HtmlEscape(item.desired) << "</pre></td><td><pre>" << HtmlEscape(item.observed)
            << "</pre></td>";
      } else {
        CodeCell(out, item.desired);
        CodeCell(out, item.observed);
      }
      out << "</tr>\n";
    }
    out << "</tbody></table></div>\n";
  }

  out << "<h2>Actions</h2>\n";
  if (plan.actions.empty()) {
    out << "<p class=\"muted\">Nothing to do.</p>\n";
  } else {
    out << "<div class=\"table-wrap\"><table class=\"reconciles\"><thead><tr><th scope=\"col\">#</th>"
           "<th scope=\"col\">Deployment</th><th scope=\"col\">Action</th><th scope=\"col\">Target</th>"
           "<th scope=\"col\">Why</th><th scope=\"col\">After</th></tr></thead><tbody>\n";
    for (const plan::Action& a : plan.actions) {
      out << "<tr><td>" << a.id << "</td>";
      TextCell(out, a.deployment);
      TextCell(out, plan::to_string(a.kind), "th");
      CodeCell(out, a.target);
      TextCell(out, a.reason);
      std::string after;
      for (int dep : a.depends_on) after += (after.empty() ? "#" : ", #") + std::to_string(dep);
      TextCell(out, after);
      out << "</tr>\n";
    }
    out << "</tbody></table></div>\n";
  }

  if (!plan.invalid.empty()) {
    out << "<h2>Invalid documents</h2>\n";
    for (const plan::InvalidDeployment& doc : plan.invalid) {
      out << "<h3>" << HtmlEscape(doc.key) << " <span class=\"muted\">" << HtmlEscape(doc.position) << "</span></h3>\n<ul>";
      for (const std::string& e : doc.errors) out << "<li class=\"error\">" << HtmlEscape(e) << "</li>";
      out << "</ul>\n";
    }
  }
  out << "</main>\n</body>\n</html>\n";
  return out.str();
}

}  // namespace spaceport::report
