#include "emulators/common/fault_table.h"

namespace spaceport::emulators {

Result<FaultRule> FaultRule::FromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("a fault must be a JSON object");
  FaultRule rule;
  rule.path_regex = json.GetString("path_regex");
  rule.method = json.GetString("method");
  rule.error_code = json.GetString("error_code");
  rule.message = json.GetString("message");
  auto int_member = [&](const char* key) -> Result<std::optional<int>> {
    const Json* v = json.Find(key);
    if (!v || v->is_null()) return std::optional<int>();
    const std::optional<int64_t> n = v->AsInt();
    if (!n) return InvalidArgument(std::string("\"") + key + "\" must be an integer");
    return std::optional<int>(static_cast<int>(*n));
  };
  Result<std::optional<int>> status = int_member("status");
  Result<std::optional<int>> count = int_member("count");
  Result<std::optional<int>> retry_after = int_member("retry_after");
  for (const auto* r : {&status, &count, &retry_after}) {
    if (!r->ok()) return r->status();
  }
  if (*status) rule.status = **status;
  if (*count) rule.count = **count;
  rule.retry_after = *retry_after;
  return rule;
}

Json FaultRule::ToJson() const {
  Json out = Json::Object();
  out.Set("path_regex", Json(path_regex));
  if (!method.empty()) out.Set("method", Json(method));
  out.Set("status", Json(status));
  out.Set("count", Json(count));
  if (retry_after) out.Set("retry_after", Json(*retry_after));
  if (!error_code.empty()) out.Set("error_code", Json(error_code));
  if (!message.empty()) out.Set("message", Json(message));
  return out;
}

std::string FaultRule::Message() const {
  return message.empty() ? "Injected fault (" + std::to_string(status) + ")" : message;
}

std::optional<int> FaultRule::RetryAfterSeconds() const {
  if (status == 429 || status == 503 || retry_after) return retry_after.value_or(1);
  return std::nullopt;
}

Result<int> FaultTable::Add(FaultRule rule) {
  if (rule.path_regex.empty()) return InvalidArgument("path_regex is required");
  if (rule.status < 400 || rule.status > 599) return InvalidArgument("fault status must be 400..599");
  if (rule.count == 0) return InvalidArgument("fault count 0 would never fire");
  std::regex pattern;
  try {
    pattern = std::regex(rule.path_regex, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return InvalidArgument("bad path_regex \"" + rule.path_regex + "\": " + e.what());
  }
  const int id = next_id_++;
  rules_.push_back({id, std::move(rule), std::move(pattern)});
  return id;
}

std::optional<FaultRule> FaultTable::Take(const std::string& method, const std::string& path) {
  for (Entry& e : rules_) {
    if (e.rule.count >= 0 && e.fired >= e.rule.count) continue;
    if (!e.rule.method.empty() && e.rule.method != method) continue;
    if (!std::regex_search(path, e.pattern)) continue;
    ++e.fired;
    return e.rule;
  }
  return std::nullopt;
}

Json FaultTable::ToJson() const {
  Json out = Json::Array();
  for (const Entry& e : rules_) {
    Json j = e.rule.ToJson();
    j.Set("id", Json(e.id));
    j.Set("fired", Json(e.fired));
    out.Push(std::move(j));
  }
  return out;
}

}  // namespace spaceport::emulators
