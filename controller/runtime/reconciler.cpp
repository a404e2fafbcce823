#include "runtime/reconciler.h"

#include <sstream>

#include "base/digest.h"
#include "runtime/reconcile_steps.h"

namespace spaceport::runtime {
namespace {

void Field(std::ostringstream& out, const std::string& name, const std::string& value) {
  out << name << '=' << value.size() << ':' << value << ';';
}

}  // namespace

std::string SpecHash(const spec::SpaceDeployment& d) {
  // Length-prefixed fields in a fixed order: two different specs never serialise alike.
  std::ostringstream out;
  Field(out, "key", d.Key());
  for (const auto& [k, v] : d.labels) Field(out, "label." + k, v);
  for (const auto& [k, v] : d.annotations) Field(out, "annotation." + k, v);
  Field(out, "image.repository", d.image.repository);
  Field(out, "image.version", d.image.version.value_or("\x01"));
  Field(out, "image.semver", d.image.semver.value_or("\x01"));
  if (d.image.build) {
    if (const auto& gh = d.image.build->github_actions) {
      Field(out, "build.gh.repository", gh->repository);
      Field(out, "build.gh.workflow", gh->workflow);
      Field(out, "build.gh.ref", gh->ref);
      for (const auto& [k, v] : gh->inputs) Field(out, "build.gh.input." + k, v);
      if (gh->token) {
        Field(out, "build.gh.token.env", gh->token->from_env.value_or(""));
        if (gh->token->secret_key_ref)
          Field(out, "build.gh.token.ref", gh->token->secret_key_ref->name + "/" + gh->token->secret_key_ref->key);
      }
    }
    if (const auto& cmd = d.image.build->command) {
      for (const std::string& arg : cmd->run) Field(out, "build.run", arg);
      Field(out, "build.timeout", std::to_string(cmd->timeout.seconds));
    }
    if (const auto& job = d.image.build->kubernetes_job) {
      Field(out, "build.job.image", job->image);
      for (const std::string& arg : job->args) Field(out, "build.job.arg", arg);
      Field(out, "build.job.context", job->context.value_or("\x01"));
      Field(out, "build.job.dockerfile", job->dockerfile);
      Field(out, "build.job.serviceAccount", job->service_account_name.value_or("\x01"));
      Field(out, "build.job.requests.cpu", job->resources.requests.cpu.value_or("\x01"));
      Field(out, "build.job.requests.memory", job->resources.requests.memory.value_or("\x01"));
      Field(out, "build.job.limits.cpu", job->resources.limits.cpu.value_or("\x01"));
      Field(out, "build.job.limits.memory", job->resources.limits.memory.value_or("\x01"));
      Field(out, "build.job.deadline", std::to_string(job->active_deadline_seconds));
      Field(out, "build.job.ttl", std::to_string(job->ttl_seconds_after_finished));
      Field(out, "build.job.pushSecret", job->push_secret.value_or("\x01"));
      Field(out, "build.job.namespace", job->namespace_.value_or("\x01"));
      Field(out, "build.job.runAsUser", job->run_as_user ? std::to_string(*job->run_as_user) : "\x01");
    }
  }
  for (const std::string& p : d.wrapper.platforms) Field(out, "wrapper.platform", p);
  for (const auto& [k, v] : d.wrapper.env) Field(out, "wrapper.env." + k, v);
  Field(out, "wrapper.port", std::to_string(d.wrapper.port));
  for (const spec::SpaceSpec& s : d.spaces) {
    Field(out, "space", s.id);
    Field(out, "create", s.create ? "1" : "0");
    Field(out, "private", s.is_private ? "1" : "0");
    Field(out, "hardware", s.hardware.value_or("\x01"));
    Field(out, "sleep", s.sleep_time_seconds ? std::to_string(*s.sleep_time_seconds) : "\x01");
    Field(out, "variables", s.variables ? "1" : "0");
    if (s.variables)
      for (const auto& [k, v] : *s.variables) Field(out, "variable." + k, v);
    Field(out, "secrets", s.secrets ? "1" : "0");
    if (s.secrets)
      for (const auto& [k, v] : *s.secrets)
        Field(out, "secret." + k,
              v.from_env.value_or("") + "|" +
                  (v.secret_key_ref ? v.secret_key_ref->name + "/" + v.secret_key_ref->key : ""));
    Field(out, "health.path", s.health.path);
    Field(out, "health.timeout", std::to_string(s.health.timeout_seconds));
    Field(out, "card.title", s.card.title.value_or("\x01"));
    Field(out, "card.emoji", s.card.emoji.value_or("\x01"));
    Field(out, "card.colorFrom", s.card.color_from.value_or("\x01"));
    Field(out, "card.colorTo", s.card.color_to.value_or("\x01"));
    Field(out, "card.short", s.card.short_description.value_or("\x01"));
    Field(out, "card.license", s.card.license.value_or("\x01"));
    Field(out, "card.pinned", s.card.pinned ? (*s.card.pinned ? "1" : "0") : "\x01");
  }
  Field(out, "driftPolicy", spec::to_string(d.drift_policy));
  Field(out, "suspend", d.suspend ? "1" : "0");
  Field(out, "interval", std::to_string(d.interval.seconds));
  return "sha256:" + Sha256Hex(out.str());
}

Reconciler::Reconciler(World& world, ReconcilerOptions options, Clock& clock)
    : world_(world), options_(std::move(options)), clock_(clock) {}

// The pass is the ordered list of steps in runtime/reconcile_steps.h; the first that ends it
// decides the conditions and the requeue.
ReconcileOutcome Reconciler::Reconcile(const spec::SpaceDeployment& deployment,
                                       const std::string& revision,
                                       const DeploymentStatus& previous) {
  const StepContext ctx{world_, options_, clock_};
  Pass p = StartPass(ctx, deployment, revision, previous);
  return RunSteps(ctx, p, ReconcileSteps());
}

}  // namespace spaceport::runtime
