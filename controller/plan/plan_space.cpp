#include "plan/plan_space.h"

#include <array>
#include <optional>
#include <utility>
#include <vector>

#include "plan/fingerprint.h"
#include "plan/space_files.h"
#include "resolve/space_image.h"
#include "spec/defaults.h"

namespace spaceport::plan {
namespace {

// Stages the Hub passes through on its own after a commit or restart (hf-hub-api.md §6.2).
constexpr std::array<std::string_view, 4> kBuildingStages = {
    "BUILDING", "APP_STARTING", "RUNNING_BUILDING", "RUNNING_APP_STARTING"};
// Stages a Space stays in until something changes; NO_APP_FILE means the Dockerfile is missing.
constexpr std::array<std::string_view, 4> kErrorStages = {"BUILD_ERROR", "RUNTIME_ERROR",
                                                          "CONFIG_ERROR", "NO_APP_FILE"};
constexpr std::array<std::string_view, 4> kSettledStages = {"RUNNING", "SLEEPING", "STOPPED", ""};

template <size_t N>
bool OneOf(std::string_view stage, const std::array<std::string_view, N>& stages) {
  for (auto s : stages)
    if (s == stage) return true;
  return false;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ",";
    out += item;
  }
  return out;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (true) {
    size_t eol = text.find('\n');
    lines.push_back(text.substr(0, eol));
    if (eol == std::string_view::npos) return lines;
    text.remove_prefix(eol + 1);
  }
}

// "line N: text" of the first line where the two texts differ, for each side.
std::pair<std::string, std::string> FirstDifferingLine(std::string_view want,
                                                       std::string_view have) {
  const auto w = Lines(want), h = Lines(have);
  size_t i = 0;
  while (i < w.size() && i < h.size() && w[i] == h[i]) ++i;
  auto describe = [&](const std::vector<std::string_view>& lines) {
    return "line " + std::to_string(i + 1) + ": " +
           (i < lines.size() ? std::string(lines[i]) : std::string("<end of file>"));
  };
  return {describe(w), describe(h)};
}

// "Deploy ghcr.io/o/a:v1.0.0 (sha256:0123456789ab…)": the commit title the Space history shows.
std::string CommitSummary(const std::string& image, const std::string& digest) {
  std::string summary = "Deploy " + image;
  constexpr std::string_view kAlgo = "sha256:";
  if (digest.size() > kAlgo.size() + 12 && digest.compare(0, kAlgo.size(), kAlgo) == 0)
    summary += " (" + digest.substr(0, kAlgo.size() + 12) + "…)";
  return summary;
}

class SpacePlanner {
 public:
  SpacePlanner(const spec::SpaceDeployment& d, const spec::SpaceSpec& space,
               const resolve::ObservationIndex& observation, const SpaceInputs& in, DeploymentBuilder& b)
      : d_(d),
        space_(space),
        observation_(observation),
        in_(in),
        b_(b),
        target_("space:" + space.id) {}

  void Plan() {
    const observe::SpaceObservation* observed = observation_.Space(space_.id);
    if (observed == nullptr) {
      b_.AddNote("Space " + space_.id + " was not observed; not planned");
      return;
    }
    const observe::SpaceObservation& seen = *observed;
    if (!seen.exists && !PlanCreate()) return;
    // A Space created by this plan is empty: compare against nothing.
    static const observe::SpaceObservation kEmpty;
    const observe::SpaceObservation& now = seen.exists ? seen : kEmpty;

    PlanFiles(now);
    const int settings_after = commit_ != 0 ? commit_ : create_;
    PlanVariables(now, settings_after);
    PlanSecrets(now, settings_after);
    PlanHardware(now, settings_after);
    PlanSleepTime(now, settings_after);
    bool converging = seen.exists && PlanStage(now);
    PlanAwaitRunning(converging);
  }

 private:
  int Add(ActionKind kind, Params params, std::vector<int> depends_on, std::string reason) {
    int id =
        b_.AddAction(kind, space_.id, std::move(params), std::move(depends_on), std::move(reason));
    ids_.push_back(id);
    return id;
  }

  void Drift(std::string field, std::string desired, std::string observed) {
    b_.AddDrift(target_, std::move(field), std::move(desired), std::move(observed));
  }

  bool PlanCreate() {
    Drift("space", "present", kAbsent);
    if (!space_.create) {
      b_.Stall("SpaceMissing");
      b_.AddNote("Space " + space_.id +
                 " does not exist; set create: true to let Spaceport create it");
      return false;
    }
    // Created only once the image it will run exists: a failed build must not leave an empty
    // Space behind (the wrapper action waits for the build, so waiting for it is enough).
    create_ = Add(ActionKind::kCreateSpace,
                  {{"sdk", "docker"}, {"private", space_.is_private ? "true" : "false"}},
                  {in_.wrapper_action}, "Space does not exist");
    return true;
  }

  void PlanFiles(const observe::SpaceObservation& now) {
    const SpaceFiles want = RenderSpaceFiles(d_, space_, in_.version, in_.wrapper_ref);
    std::vector<std::string> files;
    if (now.dockerfile != want.dockerfile) {
      files.push_back("Dockerfile");
      // The wanted ref, not a parse of the rendered file: a pending digest contains spaces.
      std::string desired = in_.wrapper_ref;
      std::string observed = kAbsent;
      if (now.dockerfile) observed = resolve::ParseFromLine(*now.dockerfile).value_or("<no FROM line>");
      if (desired == observed)
        std::tie(desired, observed) = FirstDifferingLine(want.dockerfile, *now.dockerfile);
      Drift("dockerfile", desired, observed);
    }
    if (now.readme != want.readme) {
      files.push_back("README.md");
      auto [desired, observed] = FirstDifferingLine(want.readme, now.readme.value_or(""));
      Drift("readme", desired, now.readme ? observed : std::string(kAbsent));
    }
    if (files.empty()) return;

    Params params = {
        {"files", Join(files)},
        {"summary", CommitSummary(d_.image.repository + ":" + in_.version, in_.image_digest)},
        {"wrapperRef", in_.wrapper_ref}};
    if (create_ != 0) {
      params["parentCommit"] = b_.FutureValue(create_);
    } else if (!now.sha.empty()) {
      params["parentCommit"] = now.sha;
    }
    std::string reason = files.size() == 2
                             ? "Dockerfile and README.md differ from the desired files"
                             : files.front() + " differs from the desired file";
    commit_ = Add(ActionKind::kCommitSpaceFiles, std::move(params), {create_, in_.wrapper_action},
                  std::move(reason));
  }

  void PlanVariables(const observe::SpaceObservation& now, int after) {
    if (!space_.variables) return;
    const auto& want = *space_.variables;
    Params params;
    std::vector<std::string> extra;
    for (const auto& [key, value] : want) {
      auto it = now.variables.find(key);
      if (it != now.variables.end() && it->second == value) continue;
      Drift("variables." + key, value, it == now.variables.end() ? kAbsent : it->second);
      params["set." + key] = value;
    }
    for (const auto& [key, value] : now.variables) {
      if (want.count(key)) continue;
      Drift("variables." + key, kAbsent, value);
      extra.push_back(key);
    }
    if (params.empty() && extra.empty()) return;
    size_t changed = params.size() + extra.size();
    if (!extra.empty()) params["delete"] = Join(extra);
    Add(ActionKind::kSetVariables, std::move(params), {after},
        std::to_string(changed) + " variable(s) differ");
  }

  void PlanSecrets(const observe::SpaceObservation& now, int after) {
    if (!space_.secrets) return;
    const auto& want = *space_.secrets;
    std::vector<std::string> set, extra;
    for (const auto& [key, source] : want) {
      const std::string* fp = observation_.SecretFingerprint(space_.id, key);
      if (fp == nullptr) {
        b_.AddNote("Space " + space_.id + ": value of secret " + key +
                   " unavailable; not compared");
        continue;
      }
      std::string desired = "hmac " + ShortFingerprint(*fp);
      auto it = now.secrets.find(key);
      if (it == now.secrets.end()) {
        Drift("secrets." + key, desired, kAbsent);
        set.push_back(key);
        continue;
      }
      auto have = ParseFingerprint(it->second.description);
      if (have && *have == *fp) continue;
      Drift("secrets." + key, desired,
            have ? "hmac " + ShortFingerprint(*have) : "<no fingerprint>");
      set.push_back(key);
    }
    for (const auto& [key, info] : now.secrets) {
      if (want.count(key)) continue;
      Drift("secrets." + key, kAbsent, "<present>");
      extra.push_back(key);
    }
    if (set.empty() && extra.empty()) return;
    Params params;
    if (!set.empty()) params["set"] = Join(set);
    if (!extra.empty()) params["delete"] = Join(extra);
    Add(ActionKind::kSetSecrets, std::move(params), {after},
        std::to_string(set.size() + extra.size()) + " secret(s) differ");
  }

  void PlanHardware(const observe::SpaceObservation& now, int after) {
    if (!space_.hardware) return;
    // The requested flavour is what the owner asked for; current is null while paused or building.
    std::string observed =
        now.requested_hardware ? *now.requested_hardware : now.hardware.value_or(kAbsent);
    if (observed == *space_.hardware) return;
    Drift("hardware", *space_.hardware, observed);
    Add(ActionKind::kSetHardware, {{"hardware", *space_.hardware}}, {after},
        "hardware is " + observed);
  }

  void PlanSleepTime(const observe::SpaceObservation& now, int after) {
    if (!space_.sleep_time_seconds) return;
    if (now.sleep_time_seconds == space_.sleep_time_seconds) return;
    std::string desired = std::to_string(*space_.sleep_time_seconds);
    std::string observed =
        now.sleep_time_seconds ? std::to_string(*now.sleep_time_seconds) : kAbsent;
    Drift("sleepTimeSeconds", desired, observed);
    Add(ActionKind::kSetSleepTime, {{"sleepTimeSeconds", desired}}, {after},
        "sleep time is " + observed);
  }

  // Returns true when the Space is converging by itself (an AwaitRunning is worth planning).
  bool PlanStage(const observe::SpaceObservation& now) {
    const std::string& stage = now.stage;
    if (stage == "PAUSED") {
      Drift("runtime.stage", "RUNNING", stage);
      Add(ActionKind::kResumeSpace, {}, ids_, "Space is PAUSED");
      return false;
    }
    if (OneOf(stage, kBuildingStages)) return true;
    if (OneOf(stage, kErrorStages)) {
      std::string observed = stage;
      if (!now.error_message.empty()) observed += ": " + now.error_message;
      Drift("runtime.stage", "RUNNING", observed);
      // Any planned change may fix it; with nothing to change, a restart would fail again.
      if (ids_.empty()) {
        b_.Stall("SpaceFailed");
        b_.AddNote("Space " + space_.id + " is " + observed +
                   "; not restarted until its files or settings change");
      }
      return false;
    }
    if (!OneOf(stage, kSettledStages)) {
      b_.AddNote("Space " + space_.id + ": unknown stage " + stage + ", ignored");
    }
    return false;
  }

  void PlanAwaitRunning(bool converging) {
    if (ids_.empty() && !converging) return;
    Params params = {{"timeoutSeconds", std::to_string(space_.health.timeout_seconds > 0
                                                           ? space_.health.timeout_seconds
                                                           : spec::kDefaultHealthTimeoutSeconds)}};
    if (!space_.health.path.empty()) params["healthPath"] = space_.health.path;
    std::string reason =
        ids_.empty() ? "Space is building" : "wait for the Space to run the changes";
    Add(ActionKind::kAwaitRunning, std::move(params), ids_, std::move(reason));
  }

  const spec::SpaceDeployment& d_;
  const spec::SpaceSpec& space_;
  const resolve::ObservationIndex& observation_;
  const SpaceInputs& in_;
  DeploymentBuilder& b_;
  const std::string target_;
  int create_ = 0;
  int commit_ = 0;
  std::vector<int> ids_;  // this Space's actions so far
};

}  // namespace

void PlanSpace(const spec::SpaceDeployment& deployment, const spec::SpaceSpec& space,
               const resolve::ObservationIndex& observation, const SpaceInputs& inputs,
               DeploymentBuilder& builder) {
  SpacePlanner(deployment, space, observation, inputs, builder).Plan();
}

}  // namespace spaceport::plan
