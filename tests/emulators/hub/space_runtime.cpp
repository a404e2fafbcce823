#include "emulators/hub/space_runtime.h"

#include <algorithm>

#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {

SpaceRuntime::SpaceRuntime(std::optional<std::string> requested_hardware)
    : requested_hardware_(std::move(requested_hardware)) {}

void SpaceRuntime::Settled(const std::string& stage, const std::string& sha) {
  ++build_id_;  // a pending check now reports into the void
  stage_ = stage;
  sha_ = sha;
  error_message_.clear();
  current_hardware_.reset();
}

void SpaceRuntime::SetNoAppFile(const std::string& sha) { Settled("NO_APP_FILE", sha); }

void SpaceRuntime::SetConfigError(const std::string& sha, const std::string& message) {
  Settled("CONFIG_ERROR", sha);
  error_message_ = message;
}

void SpaceRuntime::SetStaticRunning(const std::string& sha) {
  Settled("RUNNING", sha);
  requested_hardware_.reset();
}

int64_t SpaceRuntime::StartBuild(const std::string& sha, Clock::TimePoint now, BuildTiming timing,
                                 const std::vector<std::string>& images) {
  const bool serving = stage_ == "RUNNING" || stage_ == "RUNNING_BUILDING" ||
                       stage_ == "RUNNING_APP_STARTING";
  rolling_build_ = timing.rolling && serving;
  const std::optional<std::string> still_serving = current_hardware_;
  Settled(rolling_build_ ? "RUNNING_BUILDING" : "BUILDING", sha);
  if (rolling_build_) current_hardware_ = still_serving;
  timing_ = timing;
  build_started_ = now;
  check_ = Check::kPending;
  check_lines_.clear();
  build_log_.clear();
  build_log_.push_back({now, "===== Build Queued at " + LogBannerTime(now) +
                                 " / Commit SHA: " + sha.substr(0, 7) + " ====="});
  for (const std::string& image : images) build_log_.push_back({now, "--> FROM " + image});
  return build_id_;
}

void SpaceRuntime::RecordCheck(int64_t build, bool passed, std::vector<std::string> lines,
                               Clock::TimePoint now) {
  if (build != build_id_ || !Building()) return;
  check_ = passed ? Check::kPassed : Check::kFailed;
  check_done_at_ = now;
  check_lines_ = std::move(lines);
}

void SpaceRuntime::Pause() {
  Settled("PAUSED", sha_);
}

void SpaceRuntime::Force(const std::string& stage, const std::string& error_message) {
  Settled(stage, sha_);
  error_message_ = error_message;
  if (stage == "RUNNING" || stage == "APP_STARTING" || stage == "RUNNING_APP_STARTING" ||
      stage == "RUNNING_BUILDING") {
    current_hardware_ = requested_hardware_;
  }
}

void SpaceRuntime::Settle(Clock::TimePoint now) {
  if (Building()) {
    const Clock::TimePoint due = build_started_ + timing_.build_time;
    if (now < due || check_ == Check::kPending) return;
    const Clock::TimePoint at = std::max(due, check_done_at_);
    for (const std::string& line : check_lines_) build_log_.push_back({at, line});
    if (check_ == Check::kFailed) {
      build_log_.push_back({at, "--> ERROR: Build failed with exit code: 1"});
      stage_ = "BUILD_ERROR";
      error_message_ = "Build failed with exit code: 1";
      current_hardware_.reset();
      return;
    }
    build_log_.push_back({at, "--> Pushing image"});
    build_log_.push_back({at, "DONE"});
    build_log_.push_back({at, "--> Scheduling Space"});
    stage_ = rolling_build_ ? "RUNNING_APP_STARTING" : "APP_STARTING";
    current_hardware_ = requested_hardware_;
    starting_at_ = at;
    run_log_.clear();
    run_log_.push_back({at, "===== Application Startup at " + LogBannerTime(at) + " ====="});
  }
  if (Starting()) {
    const Clock::TimePoint due = starting_at_ + timing_.start_time;
    if (now < due) return;
    stage_ = "RUNNING";
    run_log_.push_back({due, "Application is running (emulated)"});
  }
}

std::optional<int64_t> SpaceRuntime::gc_timeout() const {
  if (sleep_time_) {
    if (*sleep_time_ < 0) return std::nullopt;
    return sleep_time_;
  }
  if (requested_hardware_ == "cpu-basic") return 172800;
  return std::nullopt;
}

Json SpaceRuntime::ToJson(const std::string& domain) const {
  auto optional_string = [](const std::optional<std::string>& s) {
    return s ? Json(*s) : Json(nullptr);
  };
  Json hardware = Json::Object();
  hardware.Set("current", optional_string(current_hardware_));
  hardware.Set("requested", optional_string(requested_hardware_));
  Json replicas = Json::Object();
  replicas.Set("requested", Json(1));
  if (current_hardware_ || (stage_ == "RUNNING" && !requested_hardware_)) replicas.Set("current", Json(1));
  Json domain_entry = Json::Object();
  domain_entry.Set("domain", Json(domain));
  domain_entry.Set("stage", Json("READY"));
  Json domains = Json::Array();
  domains.Push(std::move(domain_entry));

  Json out = Json::Object();
  out.Set("stage", Json(stage_));
  out.Set("hardware", std::move(hardware));
  out.Set("storage", Json(nullptr));
  // Absent for Spaces that never sleep, as the Hub does (clients must not require it).
  if (const std::optional<int64_t> gc = gc_timeout()) out.Set("gcTimeout", Json(*gc));
  out.Set("replicas", std::move(replicas));
  if (requested_hardware_) out.Set("devMode", Json(false));
  out.Set("domains", std::move(domains));
  if (!sha_.empty()) out.Set("sha", Json(sha_));
  if (!error_message_.empty()) out.Set("errorMessage", Json(error_message_));
  return out;
}

}  // namespace spaceport::hub_emulator
