#include "clients/kube/leader_elector.h"

#include <cstdio>

namespace spaceport::kube {

std::string FormatMicroTime(Clock::TimePoint t) {
  const std::string seconds = FormatRfc3339(t);  // 2026-12-04T15:33:27Z
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count() % 1000000;
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros < 0 ? 0 : micros));
  return seconds.substr(0, seconds.size() - 1) + frac + "Z";
}

LeaderElector::LeaderElector(KubeClient& client, Clock& clock, LeaderElectionOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {}

void LeaderElector::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

std::string LeaderElector::observed_holder() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_holder_;
}

Json LeaderElector::NewRecord(const Json* previous, bool release) const {
  const std::string now = FormatMicroTime(clock_.Now());
  const std::string previous_holder = previous ? previous->GetString("holderIdentity") : "";
  int64_t transitions = 0;
  std::string acquire_time = now;
  if (previous != nullptr) {
    if (const Json* t = previous->Find("leaseTransitions")) transitions = t->AsInt().value_or(0);
    if (previous_holder == options_.identity) acquire_time = previous->GetString("acquireTime", now);
  }
  if (previous_holder != options_.identity && !release) ++transitions;
  Json spec = Json::Object();
  spec.Set("holderIdentity", release ? Json("") : Json(options_.identity));
  spec.Set("leaseDurationSeconds",
           release ? Json(int64_t{1})
                   : Json(static_cast<int64_t>(
                         std::chrono::duration_cast<std::chrono::seconds>(options_.lease_duration).count())));
  spec.Set("acquireTime", acquire_time);
  spec.Set("renewTime", now);
  spec.Set("leaseTransitions", transitions);
  return spec;
}

bool LeaderElector::TryAcquireOrRenew() {
  const std::string path = kLeases.ObjectPath(options_.namespace_, options_.name);
  Result<Json> lease = client_.Get(path);
  if (!lease.ok() && lease.status().code() == StatusCode::kNotFound) {
    Json object = Json::Object();
    object.Set("apiVersion", "coordination.k8s.io/v1");
    object.Set("kind", "Lease");
    Json meta = Json::Object();
    meta.Set("name", options_.name);
    meta.Set("namespace", options_.namespace_);
    object.Set("metadata", std::move(meta));
    object.Set("spec", NewRecord(nullptr, false));
    Result<Json> created = client_.Create(kLeases, options_.namespace_, object);
    if (!created.ok()) {
      Log("leader election: " + created.status().message());
      return false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    observed_spec_ = created->Find("spec") ? created->Find("spec")->Dump() : "";
    observed_holder_ = options_.identity;
    observed_time_ = clock_.Now();
    leader_ = true;
    return true;
  }
  if (!lease.ok()) {
    Log("leader election: " + lease.status().message());
    return false;
  }
  const Json empty = Json::Object();
  const Json* spec = lease->Find("spec") ? lease->Find("spec") : &empty;
  const std::string holder = spec->GetString("holderIdentity");
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string seen = spec->Dump();
    if (seen != observed_spec_) {
      observed_spec_ = seen;
      observed_time_ = clock_.Now();  // our clock: skew between nodes never matters
    }
    observed_holder_ = holder;
    Clock::Duration duration = options_.lease_duration;
    if (const Json* d = spec->Find("leaseDurationSeconds"); d && d->AsInt())
      duration = std::chrono::seconds(*d->AsInt());
    if (!holder.empty() && holder != options_.identity && clock_.Now() < observed_time_ + duration) {
      leader_ = false;
      return false;  // held by another, and not expired
    }
  }
  Json updated = *lease;
  updated.Set("spec", NewRecord(spec, false));
  Result<Json> written = client_.Update(path, updated);
  if (!written.ok()) {
    Log("leader election: " + written.status().message());
    return false;  // 409: someone else wrote first; try again next period
  }
  std::lock_guard<std::mutex> lock(mu_);
  observed_spec_ = written->Find("spec") ? written->Find("spec")->Dump() : "";
  observed_holder_ = options_.identity;
  observed_time_ = clock_.Now();
  if (!leader_) Log("leader election: acquired lease " + options_.namespace_ + "/" + options_.name);
  leader_ = true;
  return true;
}

Status LeaderElector::Release() {
  if (!leader_) return Status::Ok();
  const std::string path = kLeases.ObjectPath(options_.namespace_, options_.name);
  Result<Json> lease = client_.Get(path);
  if (!lease.ok()) return lease.status();
  const Json* spec = lease->Find("spec");
  if (spec == nullptr || spec->GetString("holderIdentity") != options_.identity) {
    leader_ = false;
    return Status::Ok();  // not ours any more
  }
  Json updated = *lease;
  updated.Set("spec", NewRecord(spec, true));
  Result<Json> written = client_.Update(path, updated);
  leader_ = false;
  if (!written.ok()) return written.status();
  Log("leader election: released lease " + options_.namespace_ + "/" + options_.name);
  return Status::Ok();
}

bool LeaderElector::Run(const std::atomic<bool>& stop, const std::function<void()>& on_started_leading,
                        const std::function<void()>& on_stopped_leading) {
  // Acquire: retry every retry_period until leading or asked to stop.
  while (!stop) {
    if (TryAcquireOrRenew()) break;
    clock_.SleepFor(options_.retry_period);
  }
  if (stop) return true;
  last_renew_ = clock_.Now();
  on_started_leading();
  // Renew: a renewal that has not succeeded within renew_deadline loses leadership.
  while (!stop) {
    const Clock::TimePoint next = clock_.Now() + options_.retry_period;
    while (!stop && clock_.Now() < next) clock_.SleepFor(std::chrono::milliseconds(100));
    if (stop) break;
    if (TryAcquireOrRenew()) {
      last_renew_ = clock_.Now();
      continue;
    }
    if (clock_.Now() - last_renew_ >= options_.renew_deadline || (!leader_ && observed_holder() != options_.identity &&
                                                                  !observed_holder().empty())) {
      leader_ = false;
      Log("leader election: lost lease " + options_.namespace_ + "/" + options_.name +
          (observed_holder().empty() ? "" : " (held by " + observed_holder() + ")"));
      on_stopped_leading();
      return false;
    }
  }
  if (Status s = Release(); !s.ok()) Log("leader election: release failed: " + s.message());
  return true;
}

}  // namespace spaceport::kube
