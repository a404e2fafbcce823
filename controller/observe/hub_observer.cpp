#include "observe/hub_observer.h"

#include <algorithm>
#include <optional>
#include <set>

#include "base/digest.h"
#include "clients/hub/hub_error.h"
#include "observe/secret_source.h"
#include "observe/space_file_cache.h"

namespace spaceport::observe {
namespace {

constexpr std::string_view kDockerfilePath = "Dockerfile";
constexpr std::string_view kReadmePath = "README.md";

// Everything the planner needs from the info document, in one request.
const std::vector<std::string>& InfoExpand() {
  static const std::vector<std::string> kExpand = {"sha", "runtime", "cardData", "siblings"};
  return kExpand;
}

// Whether to fetch `path`: when the Hub listed the files, only if it is listed; when it did not
// (an answer without siblings), ask, since a download of a missing file is cheap and says so.
bool MayExist(const hub::SpaceInfo& info, std::string_view path) {
  if (!info.siblings) return true;
  return std::any_of(info.siblings->begin(), info.siblings->end(),
                     [&](const hub::SpaceSibling& s) { return s.path == path; });
}

class SpaceReader {
 public:
  SpaceReader(hub::HubClient& hub, const SpaceFileCache& cache, SpaceSettingsCache* settings,
              SpaceListCache* lists, std::optional<Clock::Duration> list_max_age, HubObservation& tally)
      : hub_(hub), cache_(cache), settings_(settings), lists_(lists), list_max_age_(list_max_age), tally_(tally) {}

  // Observes one Space into `out`; on error `out` is incomplete and must not be used.
  Status Read(const spec::SpaceSpec& space, SpaceObservation& out) {
    Result<hub::SpaceInfo> info = Info(space.id);
    if (!info.ok()) {
      if (info.status().code() != StatusCode::kNotFound) return info.status();
      out = SpaceObservation{};  // exists = false; there is nothing more to ask
      return Status::Ok();
    }
    out.exists = true;
    out.sha = info->sha.value_or("");
    if (info->runtime) {
      const hub::SpaceRuntime& rt = *info->runtime;
      out.stage = rt.stage;
      out.error_message = rt.error_message.value_or("");
      out.hardware = rt.hardware_current;
      out.requested_hardware = rt.hardware_requested;
      out.sleep_time_seconds = rt.sleep_time_seconds;
    }
    if (Status s = ReadFiles(space.id, *info, out); !s.ok()) return s;
    return ReadSettings(space, out);
  }

 private:
  // Variables and secret descriptions, when the spec manages them: from the settings cache when
  // it allows, else from the Hub (and then remembered).
  Status ReadSettings(const spec::SpaceSpec& space, SpaceObservation& out) {
    if (!space.variables && !space.secrets) return Status::Ok();
    if (settings_ != nullptr) {
      std::optional<SpaceSettings> cached = settings_->Reuse(space.id);
      if (cached && (!space.variables || cached->variables) && (!space.secrets || cached->secrets)) {
        if (cached->variables) out.variables = *cached->variables;
        if (cached->secrets) out.secrets = *cached->secrets;
        return Status::Ok();
      }
    }
    if (space.variables) {
      Result<hub::SpaceVariables> variables = hub_.GetVariables(space.id);
      if (!variables.ok()) return variables.status();
      for (const auto& [key, variable] : *variables) out.variables[key] = variable.value;
    }
    if (space.secrets) {
      Result<hub::SpaceSecrets> secrets = hub_.GetSecrets(space.id);
      if (!secrets.ok()) return secrets.status();
      for (const auto& [key, secret] : *secrets)
        out.secrets[key] = SecretInfo{secret.description.value_or("")};
    }
    if (settings_ != nullptr) {
      SpaceSettings remembered;
      if (space.variables) remembered.variables = out.variables;
      if (space.secrets) remembered.secrets = out.secrets;
      settings_->Store(space.id, std::move(remembered));
    }
    return Status::Ok();
  }

  // Dockerfile and README.md at the observed sha: from the cache when it holds that sha.
  Status ReadFiles(const std::string& id, const hub::SpaceInfo& info, SpaceObservation& out) {
    if (!out.sha.empty()) {
      if (std::optional<CachedSpaceFiles> hit = cache_.Load(id); hit && hit->sha == out.sha) {
        out.dockerfile = hit->dockerfile;
        out.readme = hit->readme;
        return Status::Ok();
      }
    }
    // By sha, not by branch: the contents must belong to the commit the info named, even if
    // someone commits in between (and so they may be cached under that sha).
    const std::string revision = out.sha.empty() ? "main" : out.sha;
    Result<std::optional<std::string>> dockerfile = Download(id, info, revision, kDockerfilePath);
    if (!dockerfile.ok()) return dockerfile.status();
    Result<std::optional<std::string>> readme = Download(id, info, revision, kReadmePath);
    if (!readme.ok()) return readme.status();
    out.dockerfile = *dockerfile;
    out.readme = *readme;
    if (out.sha.empty()) return Status::Ok();  // nothing to address an entry by
    if (Status s = cache_.Store(id, {out.sha, out.dockerfile, out.readme}); !s.ok())
      tally_.notes.push_back("Space " + id + ": file cache not updated: " + s.message());
    return Status::Ok();
  }

  Result<std::optional<std::string>> Download(const std::string& id, const hub::SpaceInfo& info,
                                              const std::string& revision, std::string_view path) {
    if (!MayExist(info, path)) return std::optional<std::string>();
    ++tally_.downloads;
    Result<std::optional<hub::DownloadedFile>> file = hub_.DownloadFile(id, revision, path);
    if (!file.ok()) return file.status();
    if (!file->has_value()) return std::optional<std::string>();
    return std::optional<std::string>(std::move((*file)->content));
  }

  // The info document: from the owner's listing when there is a list cache and the Space is in a
  // settled stage there; otherwise (no listing names it, or it is on its way: BUILDING,
  // APP_STARTING, …, where each pass must see the newest stage) one info request.
  Result<hub::SpaceInfo> Info(const std::string& id) {
    if (lists_ != nullptr) {
      Result<std::optional<hub::SpaceInfo>> listed =
          lists_->Find(id, [this](const std::string& owner) { return hub_.ListSpaces(owner, InfoExpand()); },
                       list_max_age_);
      if (!listed.ok()) return listed.status();
      if (*listed && (*listed)->runtime && IsSettledStage((*listed)->runtime->stage)) return **listed;
    }
    return hub_.GetSpaceInfo(id, InfoExpand());
  }

  static bool IsSettledStage(const std::string& stage) {
    static const std::set<std::string> kSettled = {"RUNNING", "SLEEPING", "PAUSED", "STOPPED",
                                                   "BUILD_ERROR", "RUNTIME_ERROR", "CONFIG_ERROR", "NO_APP_FILE"};
    return kSettled.count(stage) > 0;
  }

  hub::HubClient& hub_;
  const SpaceFileCache& cache_;
  SpaceSettingsCache* settings_;
  SpaceListCache* lists_;
  std::optional<Clock::Duration> list_max_age_;
  HubObservation& tally_;
};

// The desired secrets' fingerprints; a secret whose value is unavailable gets none.
void FingerprintSecrets(const spec::SpaceSpec& space, const std::string& ns, const HubObserverOptions& options,
                        Observation& observation) {
  if (!space.secrets) return;
  for (const auto& [key, source] : *space.secrets) {
    const std::string name = space.id + "/" + key;
    std::optional<std::string> value;
    if (!options.fingerprint_key.empty()) value = ResolveSecretValue(source, options.env, options.secret_key, ns);
    if (value) {
      observation.secret_fingerprints[name] = HmacSha256Hex(options.fingerprint_key, *value);
    } else {
      observation.secret_fingerprints.erase(name);
    }
  }
}

}  // namespace

HubObservation ObserveSpaces(const std::vector<spec::SpaceDeployment>& desired,
                             hub::HubClient& hub, const HubObserverOptions& options,
                             Observation& observation) {
  HubObservation out;
  const SpaceFileCache cache(options.state_dir);
  SpaceReader reader(hub, cache, options.settings_cache, options.list_cache, options.list_max_age, out);
  const int64_t before = hub.requests_sent_by_this_thread();
  std::set<std::string> seen;  // a Space claimed twice is a spec error; observe it once anyway
  for (const spec::SpaceDeployment& d : desired) {
    if (d.suspend) continue;
    for (const spec::SpaceSpec& space : d.spaces) {
      if (!seen.insert(space.id).second) continue;
      FingerprintSecrets(space, d.namespace_, options, observation);
      SpaceObservation seen_now;
      Status s = reader.Read(space, seen_now);
      if (s.ok()) {
        observation.spaces[space.id] = std::move(seen_now);
      } else {
        observation.spaces.erase(space.id);
        out.problems.push_back({space.id, std::string(hub::ConditionReasonFor(s)), s});
      }
    }
  }
  out.requests = hub.requests_sent_by_this_thread() - before;
  return out;
}

}  // namespace spaceport::observe
