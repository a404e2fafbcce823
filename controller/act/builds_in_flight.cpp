#include "act/builds_in_flight.h"


#include "plan/plan_image.h"

namespace spaceport::act {

std::string BackendOf(const spec::BuildSpec& build) {
  if (build.github_actions) return std::string(kGithubActionsBackend);
  if (build.command) return std::string(kCommandBackend);
  if (build.kubernetes_job) return std::string(kKubernetesJobBackend);
  return "";
}

std::string BuilderKey(const spec::BuildSpec& build) {
  if (build.github_actions && build.github_actions->token) {
    const spec::SecretSource& t = *build.github_actions->token;
    if (t.from_env) return std::string(kGithubActionsBackend) + ":env:" + *t.from_env;
    if (t.secret_key_ref)
      return std::string(kGithubActionsBackend) + ":secret:" + t.secret_key_ref->name + "/" +
             t.secret_key_ref->key;
  }
  return BackendOf(build);
}

BuildRequest RequestFor(const spec::SpaceDeployment& d, const std::string& version) {
  BuildRequest r;
  r.repository = d.image.repository;
  r.version = version;
  r.build_id = plan::BuildId(d.Key(), d.image.repository, version);
  if (d.image.build) r.spec = *d.image.build;
  r.deployment = d.Key();
  r.namespace_ = d.namespace_;
  return r;
}

BuildLookupProblems ObserveBuilds(const std::vector<spec::SpaceDeployment>& desired,
                                  const std::map<std::string, Builder*>& builders,
                                  observe::Observation& observation) {
  BuildLookupProblems problems;
  for (const spec::SpaceDeployment& d : desired) {
    if (d.suspend || !d.image.build || !d.image.version) continue;
    auto repo = observation.repositories.find(d.image.repository);
    if (repo == observation.repositories.end()) continue;          // unobserved: nothing to decide
    auto builder = builders.find(BuilderKey(*d.image.build));
    if (builder == builders.end() || builder->second == nullptr) continue;
    const BuildRequest request = RequestFor(d, *d.image.version);
    if (repo->second.tags.count(*d.image.version)) {  // the image exists: the build is done with
      Status cleaned = builder->second->Cleanup(request);
      if (!cleaned.ok())
        problems.notes.push_back("build of " + request.Image() + ": " + cleaned.message());
      continue;
    }
    const auto fail = [&](const Status& why, const std::string& what) {
      problems.failures.emplace_back(why.code(), "build of " + request.Image() + ": " + what + why.message());
    };
    auto handle = builder->second->Find(request);
    if (!handle.ok()) {
      fail(handle.status(), "cannot look for it: ");
      continue;
    }
    if (!handle->has_value()) continue;
    auto state = builder->second->Poll(request, **handle);
    if (!state.ok()) {
      fail(state.status(), "");
      continue;
    }
    observe::BuildInFlight b;
    b.repository = d.image.repository;
    b.version = *d.image.version;
    b.id = (*handle)->id;
    b.url = state->url.empty() ? (*handle)->url : state->url;
    b.state = std::string(BuildPhaseName(state->phase));
    b.message = state->message;
    observation.builds.push_back(std::move(b));
  }
  return problems;
}

std::vector<std::string> OutputLines(std::string_view tail) {
  std::vector<std::string> lines;
  for (size_t at = 0; at < tail.size();) {
    size_t nl = tail.find('\n', at);
    lines.emplace_back(tail.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at));
    at = nl == std::string_view::npos ? tail.size() : nl + 1;
  }
  return lines;
}

std::optional<BuildState> LastBuildState(const spec::SpaceDeployment& d,
                                         const std::map<std::string, Builder*>& builders) {
  if (!d.image.build || !d.image.version) return std::nullopt;
  auto builder = builders.find(BuilderKey(*d.image.build));
  if (builder == builders.end() || builder->second == nullptr) return std::nullopt;
  const BuildRequest request = RequestFor(d, *d.image.version);
  auto handle = builder->second->Find(request);
  if (!handle.ok() || !handle->has_value()) return std::nullopt;
  auto state = builder->second->Poll(request, **handle);
  if (!state.ok()) return std::nullopt;
  return *state;
}

}  // namespace spaceport::act
