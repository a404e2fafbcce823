// HubState: what a build trigger does to a Space (see hub_state.h and space_runtime.h).
//
// The decision follows the Hub: the README front matter names the sdk (missing or invalid →
// CONFIG_ERROR), a docker Space without a Dockerfile has NO_APP_FILE, a static Space runs at
// once, and a docker build checks that every FROM image exists in its registry; gradio and
// streamlit Spaces build without a check (there is no image to look up).
#include <algorithm>

#include "emulators/hub/dockerfile.h"
#include "emulators/hub/front_matter.h"
#include "emulators/hub/hub_state.h"

namespace spaceport::hub_emulator {
namespace {

BuildTiming TimingOf(const Options& options) {
  return {options.build_time, options.start_time, options.rolling_stages};
}

}  // namespace

void HubState::Rebuild(Repo& space, Clock::TimePoint now, bool even_if_paused) {
  SpaceRuntime& runtime = space.runtime;
  if (runtime.stage() == "PAUSED" && !even_if_paused) return;
  const Commit& head = space.head();
  const auto readme = head.files.find("README.md");
  const FrontMatter card =
      readme == head.files.end() ? FrontMatter{} : ParseFrontMatter(*readme->second);
  if (!card.error.empty()) {
    runtime.SetConfigError(head.id, "Invalid YAML in README.md: " + card.error);
    return;
  }
  const Json* sdk_value = card.present ? card.data.Find("sdk") : nullptr;
  if (!sdk_value || !sdk_value->is_string()) {
    runtime.SetConfigError(head.id, "Missing configuration in README");
    return;
  }
  const std::string sdk = sdk_value->AsString();
  if (sdk == "static") {
    runtime.SetStaticRunning(head.id);
    return;
  }
  if (sdk == "gradio" || sdk == "streamlit") {
    const int64_t build = runtime.StartBuild(head.id, now, TimingOf(options), {});
    runtime.RecordCheck(build, true, {}, now);
    return;
  }
  if (sdk != "docker") {
    runtime.SetConfigError(head.id, "Invalid sdk \"" + sdk + "\" in README.md");
    return;
  }
  const auto dockerfile = head.files.find("Dockerfile");
  if (dockerfile == head.files.end()) {
    runtime.SetNoAppFile(head.id);
    return;
  }

  std::map<std::string, std::string> build_args;
  for (const auto& [key, variable] : space.variables) build_args[key] = variable.value;
  const BaseImages base = FindBaseImages(*dockerfile->second, build_args);
  const int64_t build = runtime.StartBuild(head.id, now, TimingOf(options), base.images);
  if (!base.error.empty()) {
    runtime.RecordCheck(build, false, {"--> ERROR: failed to solve: " + base.error}, now);
    return;
  }
  std::vector<ImageRef> refs;
  for (const std::string& image : base.images) {
    Result<ImageRef> ref = ImageRef::Parse(image);
    if (!ref.ok()) {
      runtime.RecordCheck(build, false, {"--> ERROR: failed to solve: " + ref.status().message()}, now);
      return;
    }
    refs.push_back(*std::move(ref));
  }
  if (refs.empty()) {  // FROM scratch only
    runtime.RecordCheck(build, true, {}, now);
    return;
  }
  checker_->Submit(std::move(refs), [this, key = space.id.Key(), build](std::vector<ProbeResult> results) {
    std::lock_guard<std::mutex> lock(mu);
    OnCheck(key, build, results);
  });
}

void HubState::OnCheck(const std::string& key, int64_t build, const std::vector<ProbeResult>& results) {
  auto it = repos.find(key);
  if (it == repos.end()) return;  // deleted meanwhile
  std::vector<std::string> lines;
  bool passed = true;
  for (const ProbeResult& r : results) {
    if (r.exists) {
      lines.push_back("--> Resolved " + r.detail);
    } else {
      lines.push_back("--> ERROR: failed to solve: " + r.detail);
      passed = false;
    }
  }
  it->second.runtime.RecordCheck(build, passed, std::move(lines), clock.Now());
}

}  // namespace spaceport::hub_emulator
