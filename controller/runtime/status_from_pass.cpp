#include "runtime/status_from_pass.h"

#include <cctype>
#include <map>

#include "resolve/wrapper.h"

namespace spaceport::runtime {

std::string SpaceUrl(const std::string& hub_endpoint, const std::string& space) {
  std::string base = hub_endpoint;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/spaces/" + space;
}

std::string DeployedDigest(const std::optional<std::string>& dockerfile) {
  if (!dockerfile) return "";
  const size_t at = dockerfile->find("@sha256:");
  if (at == std::string::npos) return "";
  size_t end = at + 1;
  while (end < dockerfile->size() && (std::isalnum(static_cast<unsigned char>((*dockerfile)[end])) ||
                                      (*dockerfile)[end] == ':'))
    ++end;
  return dockerfile->substr(at + 1, end - at - 1);
}

std::vector<WrapperStatus> WrapperStatuses(const spec::SpaceDeployment& deployment, const std::string& version,
                                           const observe::Observation& observation,
                                           const std::vector<act::ActionOutcome>& outcomes) {
  std::vector<WrapperStatus> out;
  if (version.empty()) return out;
  auto repo = observation.repositories.find(deployment.image.repository);
  for (const std::string& platform : deployment.wrapper.platforms) {
    WrapperStatus w;
    w.platform = platform;
    const std::string tag = resolve::WrapperTag(platform, version);
    w.tag = deployment.image.repository + ":" + tag;
    if (repo != observation.repositories.end())
      if (auto t = repo->second.tags.find(tag); t != repo->second.tags.end()) w.digest = t->second.digest;
    for (const act::ActionOutcome& o : outcomes)
      if (o.kind == plan::ActionKind::kPublishWrapper && o.status.ok() && !o.skipped && o.target == w.tag &&
          !o.digest.empty())
        w.digest = o.digest;
    out.push_back(std::move(w));
  }
  return out;
}

std::vector<SpaceStatus> SpaceStatuses(const spec::SpaceDeployment& deployment, const std::string& hub_endpoint,
                                       const observe::Observation& observation,
                                       const std::vector<act::ActionOutcome>& outcomes) {
  std::vector<SpaceStatus> out;
  std::map<std::string, std::string> commits;
  for (const act::ActionOutcome& o : outcomes)
    if (o.kind == plan::ActionKind::kCommitSpaceFiles && o.status.ok() && !o.skipped && o.wrote && !o.commit.empty())
      commits[o.target] = o.commit;
  for (const spec::SpaceSpec& s : deployment.spaces) {
    SpaceStatus st;
    st.space = s.id;
    st.url = SpaceUrl(hub_endpoint, s.id);
    auto seen = observation.spaces.find(s.id);
    if (seen != observation.spaces.end()) {
      st.stage = seen->second.exists ? seen->second.stage : "ABSENT";
      st.commit = seen->second.sha;
      st.deployed_digest = DeployedDigest(seen->second.dockerfile);
    }
    // An outcome with a newer state wins over the observation made before acting.
    for (const act::ActionOutcome& o : outcomes)
      if (o.target == s.id && !o.skipped && o.kind == plan::ActionKind::kAwaitRunning && !o.stage.empty())
        st.stage = o.stage;
    if (auto c = commits.find(s.id); c != commits.end()) st.commit = c->second;
    out.push_back(std::move(st));
  }
  return out;
}

}  // namespace spaceport::runtime
