#include "runtime/console_view.h"

#include <algorithm>
#include <set>

namespace spaceport::runtime {
namespace {

constexpr auto kCorrectedShownFor = std::chrono::hours(1);
constexpr char kSpacePrefix[] = "space:";

bool IsTrue(const DeploymentStatus& s, const char* type) {
  const Condition* c = FindCondition(s, type);
  return c != nullptr && c->status == "True";
}

bool StartsWith(const std::string& text, std::string_view prefix) { return text.rfind(prefix, 0) == 0; }

// The drift items of one Space, by field.
std::map<std::string, const plan::DriftItem*> SpaceDrift(const DeploymentStatus* status, const std::string& space) {
  std::map<std::string, const plan::DriftItem*> out;
  if (status == nullptr) return out;
  for (const plan::DriftItem& item : status->drift)
    if (item.target == kSpacePrefix + space) out[item.field] = &item;
  return out;
}

// Whether drift items of the status were corrected (the journal remembers the correcting pass;
// after a restart, the history's message says so).
bool DriftWasCorrected(const DeploymentStatus* status, const JournalEntry* journal) {
  if (journal != nullptr) return journal->last_pass_corrected;
  return status != nullptr && !status->history.empty() &&
         StartsWith(status->history.front().message, "corrected drift");
}

Json Row(const std::string& field, const std::string& desired, const std::string& observed, const std::string& state) {
  return JsonObject({{"field", Json(field)}, {"desired", Json(desired)}, {"observed", Json(observed)}, {"state", Json(state)}});
}

// One managed field: in sync unless a drift item says otherwise.
Json FieldRow(const std::string& field, const std::string& desired, const plan::DriftItem* drift, bool corrected) {
  if (drift == nullptr) return Row(field, desired, desired, "same");
  return Row(field, desired, drift->observed, corrected ? "corrected" : "differs");
}

Json ConditionJson(const DeploymentStatus* status, const char* type) {
  const Condition* found = status ? FindCondition(*status, type) : nullptr;
  return JsonObject({{"status", Json(found ? found->status : "Unknown")},
                     {"reason", Json(found ? found->reason : "Pending")},
                     {"message", Json(found ? found->message : "not reconciled yet")},
                     {"since", Json(found ? found->last_transition_time : "")}});
}

std::string SecretState(const std::string& key, const plan::DriftItem* drift, const DeploymentStatus* status) {
  if (drift != nullptr) {
    if (drift->observed == plan::kAbsent) return "missing";
    if (drift->desired == plan::kAbsent) return "extra";
    return "changed";
  }
  // The planner notes a secret whose value it could not read (a secretKeyRef outside a cluster).
  const Condition* ready = status ? FindCondition(*status, "Ready") : nullptr;
  if (ready && ready->message.find("value of secret " + key + " unavailable") != std::string::npos)
    return "not compared";
  return "in sync";
}

}  // namespace

Json JsonObject(std::initializer_list<std::pair<std::string, Json>> members) {
  Json object = Json::Object();
  for (const auto& [key, value] : members) object.Append(key, value);
  return object;
}

Json ConditionsJson(const DeploymentStatus* status) {
  Json list = Json::Array();
  if (status != nullptr)
    for (const Condition& c : status->conditions)
      list.Push(JsonObject({{"type", Json(c.type)}, {"status", Json(c.status)}, {"reason", Json(c.reason)},
                            {"message", Json(c.message)}, {"since", Json(c.last_transition_time)}}));
  return list;
}

std::string ConsoleState(const spec::SpaceDeployment& d, const DeploymentStatus* status) {
  if (d.suspend) return "Suspended";
  if (status == nullptr || FindCondition(*status, "Ready") == nullptr) return "Progressing";
  if (IsTrue(*status, "Ready")) return "Ready";
  if (IsTrue(*status, "Stalled")) return "Failed";
  if (FindCondition(*status, "Ready")->reason == "Drifted") return "Drifted";
  return "Progressing";
}

std::string DriftState(const DeploymentStatus* status, const JournalEntry* journal, Clock::TimePoint now) {
  if (status == nullptr) return "none";
  if (!status->drift.empty()) return DriftWasCorrected(status, journal) ? "corrected" : "reported";
  if (journal != nullptr && !journal->corrected_at.empty()) {
    const auto at = ParseRfc3339(journal->corrected_at);
    if (at && now - *at <= kCorrectedShownFor) return "corrected";
  }
  return "none";
}

Json FleetRow(const spec::SpaceDeployment& d, const DeploymentStatus* status, const JournalEntry* journal,
              Clock::TimePoint now) {
  Json row = Json::Object();
  row.Append("key", Json(d.Key()));
  row.Append("namespace", Json(d.namespace_));
  row.Append("name", Json(d.name));
  row.Append("state", Json(ConsoleState(d, status)));
  row.Append("ready", ConditionJson(status, "Ready"));
  row.Append("desiredVersion", Json(d.image.version ? *d.image.version
                                                    : d.image.semver ? "semver " + *d.image.semver : ""));
  row.Append("image", Json(d.image.repository));
  row.Append("resolvedVersion", Json(status ? status->resolved_version : ""));
  row.Append("resolvedDigest", Json(status ? status->resolved_digest : ""));
  Json wrappers = Json::Array();
  if (status != nullptr && !status->wrappers.empty()) {
    for (const WrapperStatus& w : status->wrappers)
      wrappers.Push(JsonObject({{"platform", Json(w.platform)}, {"tag", Json(w.tag)}, {"digest", Json(w.digest)}}));
  } else {
    for (const std::string& platform : d.wrapper.platforms)
      wrappers.Push(JsonObject({{"platform", Json(platform)}, {"tag", Json("")}, {"digest", Json("")}}));
  }
  row.Append("wrappers", std::move(wrappers));
  Json spaces = Json::Array();
  for (const spec::SpaceSpec& s : d.spaces) {
    std::string stage, url;
    if (status != nullptr)
      for (const SpaceStatus& seen : status->spaces)
        if (seen.space == s.id) {
          stage = seen.stage;
          url = seen.url;
        }
    spaces.Push(JsonObject({{"space", Json(s.id)}, {"stage", Json(stage)}, {"url", Json(url)}}));
  }
  row.Append("spaces", std::move(spaces));
  row.Append("driftPolicy", Json(spec::to_string(d.drift_policy)));
  row.Append("drift", Json(DriftState(status, journal, now)));
  row.Append("driftItems", Json(static_cast<int64_t>(status ? status->drift.size() : 0)));
  row.Append("lastReconcile", Json(status ? status->last_reconcile_time : ""));
  row.Append("nextReconcile",
             Json(journal && journal->next_reconcile && !d.suspend ? FormatRfc3339(*journal->next_reconcile) : ""));
  const Condition* ready = status ? FindCondition(*status, "Ready") : nullptr;
  const bool limited = (ready && ready->reason == "RateLimited") ||
                       (status && !status->history.empty() && status->history.front().reason == "RateLimited");
  row.Append("budgetLimited", Json(limited));
  row.Append("suspended", Json(d.suspend));
  return row;
}

Json FleetCounts(const std::vector<Json>& rows) {
  int64_t ready = 0, progressing = 0, failed = 0, drifted = 0, suspended = 0;
  for (const Json& row : rows) {
    const std::string state = row.GetString("state");
    ready += state == "Ready";
    progressing += state == "Progressing";
    failed += state == "Failed";
    suspended += state == "Suspended";
    drifted += row.GetString("drift") == "reported";
  }
  return JsonObject({{"total", Json(static_cast<int64_t>(rows.size()))}, {"ready", Json(ready)},
                     {"progressing", Json(progressing)}, {"failed", Json(failed)}, {"drifted", Json(drifted)},
                     {"suspended", Json(suspended)}});
}

Json ConsoleDriftItem(const plan::DriftItem& item) {
  Json j = Json::Object();
  j.Append("target", Json(item.target));
  j.Append("field", Json(item.field));
  if (StartsWith(item.field, "secrets.")) {
    j.Append("desired", Json(item.desired == plan::kAbsent ? plan::kAbsent : "set"));
    j.Append("observed", Json(item.observed == plan::kAbsent ? "missing"
                              : item.desired == plan::kAbsent ? "present" : "changed"));
  } else {
    j.Append("desired", Json(item.desired));
    j.Append("observed", Json(item.observed));
  }
  return j;
}

Json SpaceComparisons(const spec::SpaceDeployment& d, const DeploymentStatus* status, const JournalEntry* journal,
                      Clock::TimePoint now) {
  const bool corrected = DriftState(status, journal, now) == "corrected" && DriftWasCorrected(status, journal);
  Json out = Json::Array();
  for (const spec::SpaceSpec& s : d.spaces) {
    const auto drift = SpaceDrift(status, s.id);
    auto find = [&](const std::string& field) -> const plan::DriftItem* {
      auto it = drift.find(field);
      return it == drift.end() ? nullptr : it->second;
    };
    const SpaceStatus* seen = nullptr;
    if (status != nullptr)
      for (const SpaceStatus& candidate : status->spaces)
        if (candidate.space == s.id) seen = &candidate;
    Json space = Json::Object();
    space.Append("space", Json(s.id));
    space.Append("url", Json(seen ? seen->url : ""));
    space.Append("stage", Json(seen ? seen->stage : ""));
    space.Append("commit", Json(seen ? seen->commit : ""));
    Json fields = Json::Array();
    // The image: the wrapper digest the Space's Dockerfile should name, and the one it names.
    const std::string want = status && !status->wrappers.empty() ? status->wrappers.front().digest : "";
    const std::string have = seen ? seen->deployed_digest : "";
    const plan::DriftItem* dockerfile = find("dockerfile");
    fields.Push(Row("image digest", want, have,
                    want.empty() || have.empty() ? "unknown"
                    : want == have && dockerfile == nullptr ? "same"
                                                            : (corrected && dockerfile ? "corrected" : "differs")));
    const plan::DriftItem* stage = find("runtime.stage");
    if (stage != nullptr) {
      fields.Push(Row("stage", "RUNNING", stage->observed, corrected ? "corrected" : "differs"));
    } else {
      const std::string now_stage = seen ? seen->stage : "";
      fields.Push(Row("stage", "RUNNING", now_stage,
                      now_stage == "RUNNING" ? "same" : now_stage.empty() ? "unknown" : "pending"));
    }
    if (s.hardware) {
      fields.Push(FieldRow("hardware", *s.hardware, find("hardware"), corrected));
    } else {
      fields.Push(Row("hardware", "", "", "unmanaged"));
    }
    if (s.sleep_time_seconds) {
      fields.Push(FieldRow("sleepTimeSeconds", std::to_string(*s.sleep_time_seconds), find("sleepTimeSeconds"),
                           corrected));
    } else {
      fields.Push(Row("sleepTimeSeconds", "", "", "unmanaged"));
    }
    if (s.variables) {
      std::set<std::string> shown;
      for (const auto& [key, value] : *s.variables) {
        fields.Push(FieldRow("variables." + key, value, find("variables." + key), corrected));
        shown.insert("variables." + key);
      }
      for (const auto& [field, item] : drift)
        if (StartsWith(field, "variables.") && !shown.count(field))
          fields.Push(Row(field, plan::kAbsent, item->observed, corrected ? "corrected" : "differs"));
    } else {
      fields.Push(Row("variables", "", "", "unmanaged"));
    }
    space.Append("fields", std::move(fields));
    Json secrets = Json::Array();
    if (s.secrets) {
      std::set<std::string> shown;
      for (const auto& [key, source] : *s.secrets) {
        secrets.Push(JsonObject({{"name", Json(key)}, {"state", Json(SecretState(key, find("secrets." + key), status))}}));
        shown.insert("secrets." + key);
      }
      for (const auto& [field, item] : drift)
        if (StartsWith(field, "secrets.") && !shown.count(field))
          secrets.Push(JsonObject({{"name", Json(field.substr(std::string_view("secrets.").size()))},
                                   {"state", Json(SecretState(field, item, status))}}));
    }
    space.Append("secretsManaged", Json(s.secrets.has_value()));
    space.Append("secrets", std::move(secrets));
    Json tail = Json();
    if (journal != nullptr) {
      auto found = journal->log_tails.find(s.id);
      if (found != journal->log_tails.end() && seen && found->second.stage == seen->stage) {
        const LogTailEntry& t = found->second;
        Json lines = Json::Array();
        for (const std::string& line : t.lines) lines.Push(Json(line));
        tail = JsonObject({{"kind", Json(t.kind)}, {"stage", Json(t.stage)}, {"fetchedAt", Json(t.fetched_at)},
                           {"error", Json(t.error)}, {"lines", std::move(lines)}});
      }
    }
    space.Append("logTail", std::move(tail));
    out.Push(std::move(space));
  }
  return out;
}

Json ReconcilesJson(const DeploymentStatus* status, const JournalEntry* journal) {
  Json out = Json::Array();
  auto record = [](const std::string& time, const std::string& result, const std::string& state,
                   const std::string& reason, const std::string& message, double seconds, int writes) {
    return JsonObject({{"time", Json(time)}, {"result", Json(result)}, {"state", Json(state)}, {"reason", Json(reason)},
                       {"message", Json(message)}, {"seconds", Json(seconds)}, {"writes", Json(writes)}});
  };
  if (journal != nullptr && !journal->reconciles.empty()) {
    for (const ReconcileEntry& r : journal->reconciles) {
      Json j = record(r.time, r.result, r.state, r.reason, r.message, r.seconds, r.writes);
      Json did = Json::Array();
      for (const std::string& word : r.did) did.Push(Json(word));
      j.Append("did", std::move(did));
      Json actions = Json::Array();
      for (const ActionRecord& a : r.actions)
        actions.Push(JsonObject({{"kind", Json(a.kind)}, {"target", Json(a.target)}, {"outcome", Json(a.outcome)},
                                 {"wrote", Json(a.wrote)}, {"detail", Json(a.detail)}}));
      j.Append("actions", std::move(actions));
      out.Push(std::move(j));
    }
    return out;
  }
  if (status == nullptr) return out;
  // Before this process reconciled it: the status history (no actions recorded).
  for (const ReconcileRecord& r : status->history) {
    Json j = record(r.time, r.result, r.state, r.reason, r.message, r.seconds, r.writes);
    Json did = Json::Array();
    if (StartsWith(r.message, "corrected drift")) did.Push(Json("corrected"));
    j.Append("did", std::move(did));
    j.Append("actions", Json::Array());
    out.Push(std::move(j));
  }
  return out;
}

Json TimelineJson(const std::vector<TimelineEvent>& events, const std::vector<BudgetWindow>& budget,
                  Clock::TimePoint from, Clock::TimePoint to, std::chrono::seconds window) {
  Json out = Json::Object();
  out.Append("kind", Json("Timeline"));
  out.Append("from", Json(FormatRfc3339(from)));
  out.Append("to", Json(FormatRfc3339(to)));
  out.Append("windowSeconds", Json(static_cast<int64_t>(window.count())));
  Json list = Json::Array();
  for (const TimelineEvent& e : events)
    list.Push(JsonObject({{"time", Json(FormatRfc3339(e.time))}, {"kind", Json(e.kind)}, {"deployment", Json(e.deployment)},
                          {"result", Json(e.result)}, {"detail", Json(e.detail)}}));
  out.Append("events", std::move(list));
  Json windows = Json::Array();
  for (const BudgetWindow& w : budget)
    windows.Push(JsonObject({{"start", Json(FormatRfc3339(w.start))}, {"used", Json(w.used)}, {"limit", Json(w.limit)}}));
  out.Append("budget", std::move(windows));
  return out;
}

}  // namespace spaceport::runtime
