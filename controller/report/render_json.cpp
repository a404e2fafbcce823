// The JSON rendering; docs/plan-json.md is its contract. Fields are only ever added within
// v1alpha1, so member names and order here change only together with that document and the
// golden file tests/report/golden/*.json.
#include "report/render.h"

namespace spaceport::report {
namespace {

Json StringArray(const std::vector<std::string>& values) {
  Json array = Json::Array();
  for (const std::string& v : values) array.Push(Json(v));
  return array;
}

Json SummaryToJson(const PlanSummary& s) {
  Json j = Json::Object();
  j.Set("deployments", s.deployments);
  j.Set("inSync", s.in_sync);
  j.Set("drifted", s.drifted);
  j.Set("actions", s.actions);
  j.Set("driftItems", s.drift_items);
  j.Set("invalid", s.invalid);
  return j;
}

Json DeploymentToJson(const plan::DeploymentPlan& d) {
  Json j = Json::Object();
  j.Set("key", d.key);
  j.Set("file", d.file);
  j.Set("state", plan::to_string(d.state));
  j.Set("reason", d.reason);
  j.Set("resolvedVersion", d.resolved_version);
  j.Set("resolvedDigest", d.resolved_digest);
  j.Set("notes", StringArray(d.notes));
  return j;
}

Json DriftToJson(const plan::DriftItem& item) {
  Json j = Json::Object();
  j.Set("deployment", item.deployment);
  j.Set("target", item.target);
  j.Set("field", item.field);
  j.Set("desired", item.desired);
  j.Set("observed", item.observed);
  return j;
}

Json ActionToJson(const plan::Action& a) {
  Json j = Json::Object();
  j.Set("id", a.id);
  j.Set("kind", plan::to_string(a.kind));
  j.Set("deployment", a.deployment);
  j.Set("target", a.target);
  Json params = Json::Object();
  for (const auto& [key, value] : a.params) params.Set(key, value);
  j.Set("params", std::move(params));
  Json depends_on = Json::Array();
  for (int id : a.depends_on) depends_on.Push(Json(id));
  j.Set("dependsOn", std::move(depends_on));
  j.Set("reason", a.reason);
  return j;
}

Json InvalidToJson(const plan::InvalidDeployment& doc) {
  Json j = Json::Object();
  j.Set("key", doc.key);
  j.Set("position", doc.position);
  j.Set("errors", StringArray(doc.errors));
  return j;
}

}  // namespace

Json PlanToJson(const plan::Plan& plan) {
  Json root = Json::Object();
  root.Set("apiVersion", "spaceport.dev/v1alpha1");
  root.Set("kind", "Plan");
  root.Set("summary", SummaryToJson(Summarize(plan)));
  Json deployments = Json::Array();
  for (const plan::DeploymentPlan& d : plan.deployments) deployments.Push(DeploymentToJson(d));
  root.Set("deployments", std::move(deployments));
  Json drift = Json::Array();
  for (const plan::DriftItem& item : plan.drift) drift.Push(DriftToJson(item));
  root.Set("drift", std::move(drift));
  Json actions = Json::Array();
  for (const plan::Action& a : plan.actions) actions.Push(ActionToJson(a));
  root.Set("actions", std::move(actions));
  Json invalid = Json::Array();
  for (const plan::InvalidDeployment& doc : plan.invalid) invalid.Push(InvalidToJson(doc));
  root.Set("invalid", std::move(invalid));
  return root;
}

std::string RenderJson(const plan::Plan& plan) { return PlanToJson(plan).Dump(2) + "\n"; }

}  // namespace spaceport::report
