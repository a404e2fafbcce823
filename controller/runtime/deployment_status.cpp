#include "runtime/deployment_status.h"

#include <algorithm>
#include <ctime>
#include <functional>
#include <limits>
#include <utility>

namespace spaceport::runtime {
namespace {

constexpr char kApiVersion[] = "spaceport.dev/v1alpha1";
constexpr char kKind[] = "SpaceDeploymentStatus";

// --- writing: every field is always present, so readers and diffs see one stable shape ---

Json ConditionJson(const Condition& c) {
  Json j = Json::Object();
  j.Append("type", Json(c.type));
  j.Append("status", Json(c.status));
  j.Append("reason", Json(c.reason));
  j.Append("message", Json(c.message));
  j.Append("lastTransitionTime", Json(c.last_transition_time));
  return j;
}

Json WrapperJson(const WrapperStatus& w) {
  Json j = Json::Object();
  j.Append("platform", Json(w.platform));
  j.Append("tag", Json(w.tag));
  j.Append("digest", Json(w.digest));
  return j;
}

Json SpaceJson(const SpaceStatus& s) {
  Json j = Json::Object();
  j.Append("space", Json(s.space));
  j.Append("stage", Json(s.stage));
  j.Append("deployedDigest", Json(s.deployed_digest));
  j.Append("commit", Json(s.commit));
  j.Append("url", Json(s.url));
  return j;
}

// The deployment is the document's key; it is not repeated per item.
Json DriftJson(const plan::DriftItem& d) {
  Json j = Json::Object();
  j.Append("target", Json(d.target));
  j.Append("field", Json(d.field));
  j.Append("desired", Json(d.desired));
  j.Append("observed", Json(d.observed));
  return j;
}

Json RecordJson(const ReconcileRecord& r) {
  Json j = Json::Object();
  j.Append("time", Json(r.time));
  j.Append("result", Json(r.result));
  j.Append("state", Json(r.state));
  j.Append("reason", Json(r.reason));
  j.Append("message", Json(r.message));
  j.Append("revision", Json(r.revision));
  j.Append("seconds", Json(r.seconds));
  j.Append("writes", Json(r.writes));
  j.Append("actions", Json(r.actions));
  j.Append("failed", Json(r.failed));
  return j;
}

template <typename T>
Json ArrayJson(const std::vector<T>& items, Json (*to_json)(const T&)) {
  Json out = Json::Array();
  for (const T& item : items) out.Push(to_json(item));
  return out;
}

// --- reading: a field may be absent (documents written before it existed read as its default),
// but a present field of the wrong type rejects the document, naming the field ---

class FieldReader {
 public:
  FieldReader(const Json& object, std::string path, Status& error)
      : object_(object), path_(std::move(path)), error_(error) {}

  void String(std::string_view name, std::string& out) {
    if (const Json* v = Get(name, Json::Type::kString, "a string")) out = v->AsString();
  }
  void Bool(std::string_view name, bool& out) {
    if (const Json* v = Get(name, Json::Type::kBool, "true or false")) out = v->AsBool();
  }
  void Int(std::string_view name, int& out) {
    const Json* v = Get(name, Json::Type::kNumber, "an integer");
    if (v == nullptr) return;
    const auto n = v->AsInt();
    if (!n || *n < 0 || *n > std::numeric_limits<int>::max()) {
      Fail(name, "a non-negative integer");
      return;
    }
    out = static_cast<int>(*n);
  }
  void Double(std::string_view name, double& out) {
    if (const Json* v = Get(name, Json::Type::kNumber, "a number")) out = v->AsDouble().value_or(0);
  }
  template <typename T>
  void Array(std::string_view name, std::vector<T>& out,
             const std::function<void(FieldReader&, T&)>& read_item) {
    const Json* v = Get(name, Json::Type::kArray, "an array");
    if (v == nullptr) return;
    out.clear();
    for (size_t i = 0; i < v->size() && error_.ok(); ++i) {
      const std::string item_path = Path(name) + "[" + std::to_string(i) + "]";
      if (!v->At(i).is_object()) {
        error_ = InvalidArgument("status document: " + item_path + " must be an object");
        return;
      }
      FieldReader item(v->At(i), item_path, error_);
      read_item(item, out.emplace_back());
    }
  }

 private:
  std::string Path(std::string_view name) const {
    return path_.empty() ? std::string(name) : path_ + "." + std::string(name);
  }
  void Fail(std::string_view name, const char* expected) {
    if (error_.ok()) {
      error_ = InvalidArgument("status document: field \"" + Path(name) + "\" must be " + expected);
    }
  }
  const Json* Get(std::string_view name, Json::Type type, const char* expected) {
    if (!error_.ok()) return nullptr;
    const Json* v = object_.Find(name);
    if (v == nullptr) return nullptr;
    if (v->type() != type) {
      Fail(name, expected);
      return nullptr;
    }
    return v;
  }

  const Json& object_;
  std::string path_;
  Status& error_;
};

void ReadCondition(FieldReader& r, Condition& c) {
  r.String("type", c.type);
  r.String("status", c.status);
  r.String("reason", c.reason);
  r.String("message", c.message);
  r.String("lastTransitionTime", c.last_transition_time);
}

void ReadWrapper(FieldReader& r, WrapperStatus& w) {
  r.String("platform", w.platform);
  r.String("tag", w.tag);
  r.String("digest", w.digest);
}

void ReadSpace(FieldReader& r, SpaceStatus& s) {
  r.String("space", s.space);
  r.String("stage", s.stage);
  r.String("deployedDigest", s.deployed_digest);
  r.String("commit", s.commit);
  r.String("url", s.url);
}

void ReadDrift(FieldReader& r, plan::DriftItem& d) {
  r.String("target", d.target);
  r.String("field", d.field);
  r.String("desired", d.desired);
  r.String("observed", d.observed);
}

void ReadRecord(FieldReader& r, ReconcileRecord& h) {
  r.String("time", h.time);
  r.String("result", h.result);
  r.String("state", h.state);
  r.String("reason", h.reason);
  r.String("message", h.message);
  r.String("revision", h.revision);
  r.Double("seconds", h.seconds);
  r.Int("writes", h.writes);
  r.Int("actions", h.actions);
  r.Int("failed", h.failed);
}

// apiVersion and kind are checked first: a document of another kind is refused by name rather
// than read as an empty status.
Status CheckIdentity(const Json& j) {
  if (!j.is_object()) return InvalidArgument("status document: not a JSON object");
  const std::pair<const char*, const char*> identity[] = {{"apiVersion", kApiVersion},
                                                          {"kind", kKind}};
  for (const auto& [field, want] : identity) {
    const Json* v = j.Find(field);
    if (v == nullptr || !v->is_string() || v->AsString() != want) {
      const std::string got = v == nullptr       ? "absent"
                              : v->is_string() ? "\"" + v->AsString() + "\""
                                               : "not a string";
      return InvalidArgument("status document: field \"" + std::string(field) + "\" must be \"" +
                             want + "\" (got " + got + ")");
    }
  }
  return Status::Ok();
}

}  // namespace

void SetCondition(DeploymentStatus& s, Condition c, Clock::TimePoint now) {
  auto it = std::find_if(s.conditions.begin(), s.conditions.end(),
                         [&](const Condition& old) { return old.type == c.type; });
  const bool unchanged = it != s.conditions.end() && it->status == c.status;
  c.last_transition_time = unchanged ? it->last_transition_time : FormatRfc3339(now);
  if (it == s.conditions.end()) {
    s.conditions.push_back(std::move(c));
  } else {
    *it = std::move(c);
  }
}

void RemoveCondition(DeploymentStatus& s, const std::string& type) {
  std::erase_if(s.conditions, [&](const Condition& c) { return c.type == type; });
}

void SetBudgetLimited(DeploymentStatus& s, const std::string& reason, const std::string& message,
                      Clock::TimePoint now) {
  if (reason.empty()) {
    RemoveCondition(s, "BudgetLimited");
    return;
  }
  SetCondition(s, {"BudgetLimited", "True", reason, message, ""}, now);
}

const Condition* FindCondition(const DeploymentStatus& s, const std::string& type) {
  for (const Condition& c : s.conditions) {
    if (c.type == type) return &c;
  }
  return nullptr;
}

void RecordReconcile(DeploymentStatus& s, ReconcileRecord r) {
  s.history.insert(s.history.begin(), std::move(r));
  if (s.history.size() > kHistoryLength) s.history.resize(kHistoryLength);
}

Json ToJson(const DeploymentStatus& s) {
  Json j = Json::Object();
  j.Append("apiVersion", Json(kApiVersion));
  j.Append("kind", Json(kKind));
  j.Append("key", Json(s.key));
  j.Append("source", Json(s.source));
  j.Append("revision", Json(s.revision));
  j.Append("specHash", Json(s.spec_hash));
  j.Append("suspended", Json(s.suspended));
  j.Append("conditions", ArrayJson(s.conditions, &ConditionJson));
  j.Append("resolvedVersion", Json(s.resolved_version));
  j.Append("resolvedDigest", Json(s.resolved_digest));
  j.Append("wrappers", ArrayJson(s.wrappers, &WrapperJson));
  j.Append("spaces", ArrayJson(s.spaces, &SpaceJson));
  j.Append("drift", ArrayJson(s.drift, &DriftJson));
  j.Append("buildUrl", Json(s.build_url));
  j.Append("deploying", Json(s.deploying));
  j.Append("deployingSince", Json(s.deploying_since));
  j.Append("history", ArrayJson(s.history, &RecordJson));
  j.Append("lastReconcileTime", Json(s.last_reconcile_time));
  return j;
}

Result<DeploymentStatus> StatusFromJson(const Json& j) {
  if (Status s = CheckIdentity(j); !s.ok()) return s;
  Status error;
  DeploymentStatus s;
  FieldReader r(j, "", error);
  r.String("key", s.key);
  if (error.ok() && s.key.find('/') == std::string::npos) {
    return InvalidArgument("status document: field \"key\" must be \"namespace/name\" (got \"" +
                           s.key + "\")");
  }
  r.String("source", s.source);
  r.String("revision", s.revision);
  r.String("specHash", s.spec_hash);
  r.Bool("suspended", s.suspended);
  r.Array<Condition>("conditions", s.conditions, ReadCondition);
  r.String("resolvedVersion", s.resolved_version);
  r.String("resolvedDigest", s.resolved_digest);
  r.Array<WrapperStatus>("wrappers", s.wrappers, ReadWrapper);
  r.Array<SpaceStatus>("spaces", s.spaces, ReadSpace);
  r.Array<plan::DriftItem>("drift", s.drift, ReadDrift);
  r.String("buildUrl", s.build_url);
  r.String("deploying", s.deploying);
  r.String("deployingSince", s.deploying_since);
  r.Array<ReconcileRecord>("history", s.history, ReadRecord);
  r.String("lastReconcileTime", s.last_reconcile_time);
  if (!error.ok()) return error;
  for (plan::DriftItem& d : s.drift) d.deployment = s.key;
  if (s.history.size() > kHistoryLength) s.history.resize(kHistoryLength);
  return s;
}

}  // namespace spaceport::runtime
