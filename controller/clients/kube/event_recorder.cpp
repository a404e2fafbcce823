#include "clients/kube/event_recorder.h"

#include "base/digest.h"

namespace spaceport::kube {
namespace {

constexpr size_t kMaxMessage = 1024;

std::string Cut(const std::string& message) {
  return message.size() <= kMaxMessage ? message : message.substr(0, kMaxMessage - 3) + "...";
}

Json InvolvedObject(const ObjectReference& o) {
  Json ref = Json::Object();
  ref.Set("apiVersion", o.resource->ApiVersion());
  ref.Set("kind", o.resource->kind);
  ref.Set("namespace", o.namespace_);
  ref.Set("name", o.name);
  ref.Set("uid", o.uid);
  if (!o.resource_version.empty()) ref.Set("resourceVersion", o.resource_version);
  return ref;
}

}  // namespace

std::string EventName(const ObjectReference& object, const std::string& reason) {
  return object.name + "." + Sha256Hex(object.uid + "/" + reason).substr(0, 16);
}

EventRecorder::EventRecorder(KubeClient& client, Clock& clock, std::string component)
    : client_(client), clock_(clock), component_(std::move(component)) {}

Status EventRecorder::Record(const ObjectReference& object, const std::string& type, const std::string& reason,
                             const std::string& message) {
  const std::string name = EventName(object, reason);
  int64_t known = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = counts_.find(name); it != counts_.end()) known = it->second;
  }
  if (known > 0) return Bump(object, name, type, message, known + 1);

  const std::string now = FormatRfc3339(clock_.Now());
  Json event = Json::Object();
  event.Set("apiVersion", "v1");
  event.Set("kind", "Event");
  Json meta = Json::Object();
  meta.Set("name", name);
  meta.Set("namespace", object.namespace_);
  event.Set("metadata", std::move(meta));
  event.Set("involvedObject", InvolvedObject(object));
  event.Set("type", type);
  event.Set("reason", reason);
  event.Set("message", Cut(message));
  Json source = Json::Object();
  source.Set("component", component_);
  event.Set("source", std::move(source));
  event.Set("reportingComponent", component_);
  event.Set("firstTimestamp", now);
  event.Set("lastTimestamp", now);
  event.Set("count", int64_t{1});
  Result<Json> created = client_.Create(kEvents, object.namespace_, event);
  if (created.ok()) {
    ++created_;
    std::lock_guard<std::mutex> lock(mu_);
    counts_[name] = 1;
    return Status::Ok();
  }
  if (created.status().code() != StatusCode::kConflict) return created.status();
  // It exists (an earlier process made it): continue its count.
  Result<Json> existing = client_.Get(kEvents.ObjectPath(object.namespace_, name));
  if (!existing.ok()) return existing.status();
  const Json* count = existing->Find("count");
  return Bump(object, name, type, message, (count ? count->AsInt().value_or(1) : 1) + 1);
}

Status EventRecorder::Bump(const ObjectReference& object, const std::string& event_name, const std::string& type,
                           const std::string& message, int64_t count) {
  Json patch = Json::Object();
  patch.Set("count", count);
  patch.Set("type", type);
  patch.Set("message", Cut(message));
  patch.Set("lastTimestamp", FormatRfc3339(clock_.Now()));
  Result<Json> r = client_.MergePatch(kEvents.ObjectPath(object.namespace_, event_name), patch);
  if (!r.ok()) {
    // Gone (an Event lives one hour by default): start a new one next time.
    std::lock_guard<std::mutex> lock(mu_);
    counts_.erase(event_name);
    return r.status();
  }
  ++updated_;
  std::lock_guard<std::mutex> lock(mu_);
  counts_[event_name] = count;
  return Status::Ok();
}

}  // namespace spaceport::kube
