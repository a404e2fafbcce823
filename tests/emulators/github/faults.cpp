#include "emulators/github/faults.h"

#include "emulators/github/github_json.h"

namespace spaceport::github_emulator {

Result<FaultRule> FaultRule::FromJson(const Json& json) {
  if (!json.is_object()) return InvalidArgument("a fault is a JSON object");
  FaultRule rule;
  rule.path_regex = json.GetString("path_regex");
  rule.method = json.GetString("method");
  rule.message = json.GetString("message");
  if (const Json* s = json.Find("status"); s && s->AsInt()) rule.status = static_cast<int>(*s->AsInt());
  if (const Json* c = json.Find("count"); c && c->AsInt()) rule.count = static_cast<int>(*c->AsInt());
  if (const Json* r = json.Find("retry_after"); r && r->AsInt()) rule.retry_after = static_cast<int>(*r->AsInt());
  return rule;
}

Result<int> FaultTable::Add(FaultRule rule) {
  if (rule.path_regex.empty()) return InvalidArgument("path_regex is required");
  if (rule.status < 400 || rule.status > 599) return InvalidArgument("status must be 4xx or 5xx");
  std::regex pattern;
  try {
    pattern = std::regex(rule.path_regex, std::regex::ECMAScript);
  } catch (const std::regex_error&) {
    return InvalidArgument("path_regex is not a valid regular expression");
  }
  const int id = next_id_++;
  rules_.push_back(Entry{id, std::move(rule), std::move(pattern)});
  return id;
}

std::optional<http::Response> FaultTable::Take(const std::string& method, const std::string& path) {
  for (Entry& e : rules_) {
    if (e.rule.count == 0) continue;
    if (!e.rule.method.empty() && e.rule.method != method) continue;
    if (!std::regex_search(path, e.pattern)) continue;
    if (e.rule.count > 0) --e.rule.count;
    ++e.fired;
    const std::string message =
        e.rule.message.empty() ? "Injected fault (" + std::to_string(e.rule.status) + ")" : e.rule.message;
    http::Response r = GithubError(e.rule.status, message);
    if (e.rule.retry_after || e.rule.status == 429 || e.rule.status == 503) {
      r.headers.Set("Retry-After", std::to_string(e.rule.retry_after.value_or(1)));
    }
    return r;
  }
  return std::nullopt;
}

Json FaultTable::ToJson() const {
  Json out = Json::Array();
  for (const Entry& e : rules_) {
    Json j = Json::Object();
    j.Set("id", Json(e.id));
    j.Set("path_regex", Json(e.rule.path_regex));
    j.Set("method", Json(e.rule.method));
    j.Set("status", Json(e.rule.status));
    j.Set("count", Json(e.rule.count));
    j.Set("fired", Json(e.fired));
    out.Push(std::move(j));
  }
  return out;
}

}  // namespace spaceport::github_emulator
