#include "runtime/kube_status_store.h"

#include <algorithm>

namespace spaceport::runtime {
namespace {

// Keys sorted at every level: the apiserver stores custom resources as unstructured JSON and
// serves their keys in sorted order, while ToJson writes them in document order.
void AppendSorted(const Json& j, std::string& out) {
  if (j.is_object()) {
    std::vector<const Json::Member*> members;
    for (const Json::Member& m : j.Members()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->first < b->first; });
    out += '{';
    for (size_t i = 0; i < members.size(); ++i) {
      if (i) out += ',';
      AppendJsonString(out, members[i]->first);
      out += ':';
      AppendSorted(members[i]->second, out);
    }
    out += '}';
  } else if (j.is_array()) {
    out += '[';
    for (size_t i = 0; i < j.size(); ++i) {
      if (i) out += ',';
      AppendSorted(j.At(i), out);
    }
    out += ']';
  } else if (j.is_number()) {
    // 0.5 and 0.50 are one number; the server may re-render what we sent.
    const std::optional<double> v = j.AsDouble();
    out += v ? std::to_string(*v) : j.Lexeme();
  } else {
    out += j.Dump();
  }
}

// Empty strings are left out (an absent field reads as "" back): the 1.20.2 apiserver we test
// against decodes "" in a custom resource as null and then refuses it as not a string, and
// `kubectl get -o yaml` reads better without them anyway.
Json WithoutEmptyStrings(const Json& j) {
  if (j.is_object()) {
    Json out = Json::Object();
    for (const Json::Member& m : j.Members())
      if (!(m.second.is_string() && m.second.AsString().empty())) out.Append(m.first, WithoutEmptyStrings(m.second));
    return out;
  }
  if (j.is_array()) {
    Json out = Json::Array();
    for (size_t i = 0; i < j.size(); ++i) out.Push(WithoutEmptyStrings(j.At(i)));
    return out;
  }
  return j;
}

std::pair<std::string, std::string> SplitKey(const std::string& key) {
  const size_t slash = key.find('/');
  return {key.substr(0, slash), slash == std::string::npos ? "" : key.substr(slash + 1)};
}

}  // namespace

Json KubeStatusBody(const DeploymentStatus& status, int64_t generation, const std::string& requested_at) {
  Json body = WithoutEmptyStrings(ToJson(status));
  body.Append("observedGeneration", Json(generation));
  if (!requested_at.empty()) body.Append("lastHandledReconcileAt", Json(requested_at));
  return body;
}

std::string ComparableStatus(const Json& status) {
  Json copy = status;
  copy.Erase("history");
  copy.Erase("lastReconcileTime");
  std::string out;
  AppendSorted(copy, out);
  return out;
}

KubeStatusStore::KubeStatusStore(kube::KubeClient& client, const KubeSource& source,
                                 std::function<void(const std::string&)> log)
    : client_(client), source_(source), log_(std::move(log)) {}

KubeStatusStats KubeStatusStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Status KubeStatusStore::Write(const DeploymentStatus& status, const spec::SpaceDeployment& deployment) {
  std::optional<Json> object = source_.Object(status.key);
  if (!object) return Status::Ok();  // deleted meanwhile: its status went with it
  // The generation this pass reconciled; for a document that failed validation, the object's.
  const int64_t generation = deployment.generation > 0 ? deployment.generation : kube::GenerationOf(*object);
  const std::string requested_at = kube::AnnotationOf(*object, kRequestedAtAnnotation);
  Json body = KubeStatusBody(status, generation, requested_at);
  const std::string comparable = ComparableStatus(body);
  const Json* observed = object->Find("status");
  const std::string rv = kube::ResourceVersionOf(*object);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto w = written_.find(status.key);
    // Until the watch shows our last write, compare with what we wrote; afterwards with what the
    // object holds (another writer may have changed it).
    const bool cache_behind = w != written_.end() && (rv == w->second.rv_before || rv == w->second.rv_after);
    const std::string current =
        cache_behind ? w->second.comparable : (observed ? ComparableStatus(*observed) : std::string());
    if (current == comparable) {
      ++stats_.unchanged;
      return Status::Ok();
    }
  }
  // Keys the object has and we no longer write are removed (merge patch: null deletes).
  if (observed != nullptr && observed->is_object())
    for (const Json::Member& m : observed->Members())
      if (body.Find(m.first) == nullptr) body.Append(m.first, Json());
  Json patch = Json::Object();
  patch.Append("status", std::move(body));
  const auto [ns, name] = SplitKey(status.key);
  Result<Json> written = client_.MergePatch(kube::kSpaceDeployments.ObjectPath(ns, name, "status"), patch);
  std::lock_guard<std::mutex> lock(mu_);
  if (!written.ok()) {
    ++stats_.failures;
    if (written.status().code() == StatusCode::kNotFound) return Status::Ok();  // deleted
    return written.status();
  }
  ++stats_.writes;
  written_[status.key] = Written{comparable, rv, kube::ResourceVersionOf(*written)};
  return Status::Ok();
}

StoredStatuses KubeStatusStore::ReadAll() const {
  StoredStatuses out;
  // The source lists before the controller reads statuses, so its cache holds every object.
  for (const Json& object : source_.Objects()) {
    const Json* status = object.Find("status");
    if (status == nullptr || !status->Find("key")) continue;  // never written by Spaceport
    Result<DeploymentStatus> s = StatusFromJson(*status);
    if (s.ok())
      out.statuses.push_back(std::move(*s));
    else
      out.problems.push_back("spacedeployments/" + kube::NamespaceOf(object) + "/" + kube::NameOf(object) +
                             ": " + s.status().message());
  }
  return out;
}

KubeEvents::KubeEvents(kube::KubeClient& client, const KubeSource& source, Clock& clock,
                       std::function<void(const std::string&)> log)
    : source_(source), recorder_(client, clock, "spaceport"), log_(std::move(log)) {}

void KubeEvents::Record(const std::string& key, const std::string& type, const std::string& reason,
                        const std::string& message) {
  std::optional<Json> object = source_.Object(key);
  if (!object) return;
  kube::ObjectReference ref{&kube::kSpaceDeployments, kube::NamespaceOf(*object), kube::NameOf(*object),
                            kube::UidOf(*object), kube::ResourceVersionOf(*object)};
  if (Status s = recorder_.Record(ref, type, reason, message); !s.ok() && log_)
    log_(key + ": event " + reason + " not recorded: " + s.message());
}

}  // namespace spaceport::runtime
