#include "clients/hub/hub_json.h"

#include <algorithm>

namespace spaceport::hub {
namespace {

const Json kNull;

const Json& Member(const Json& object, std::string_view key) {
  if (!object.is_object()) return kNull;
  const Json* value = object.Find(key);
  return value ? *value : kNull;
}

std::optional<std::string> OptString(const Json& object, std::string_view key) {
  const Json& v = Member(object, key);
  if (!v.is_string()) return std::nullopt;
  return v.AsString();
}

std::optional<int64_t> OptInt(const Json& object, std::string_view key) {
  const Json& v = Member(object, key);
  return v.is_number() ? v.AsInt() : std::nullopt;
}

std::optional<bool> OptBool(const Json& object, std::string_view key) {
  const Json& v = Member(object, key);
  if (!v.is_bool()) return std::nullopt;
  return v.AsBool();
}

Result<Json> ParseObject(std::string_view body, std::string_view what) {
  Result<Json> doc = Json::Parse(body);
  if (!doc.ok()) {
    return InvalidArgument("the Hub's " + std::string(what) +
                           " answer is not JSON: " + doc.status().message());
  }
  if (!doc->is_object()) {
    return InvalidArgument("the Hub's " + std::string(what) + " answer is not a JSON object");
  }
  return doc;
}

}  // namespace

Result<Identity> ParseIdentity(std::string_view body) {
  Result<Json> doc = ParseObject(body, "whoami");
  if (!doc.ok()) return doc.status();
  Identity id;
  id.name = doc->GetString("name");
  id.type = doc->GetString("type");
  id.fullname = doc->GetString("fullname");
  const Json& orgs = Member(*doc, "orgs");
  for (size_t i = 0; orgs.is_array() && i < orgs.size(); ++i) {
    if (auto name = OptString(orgs.At(i), "name")) id.orgs.push_back(*name);
  }
  const Json& auth = Member(*doc, "auth");
  id.auth_type = auth.GetString("type");
  const Json& token = Member(auth, "accessToken");
  id.token_name = token.GetString("displayName");
  id.token_role = token.GetString("role");
  if (id.name.empty()) return InvalidArgument("the Hub's whoami answer names no user");
  return id;
}

SpaceRuntime SpaceRuntimeFromJson(const Json& object) {
  SpaceRuntime rt;
  rt.raw = object;
  rt.stage = OptString(object, "stage").value_or("");
  const Json& hardware = Member(object, "hardware");
  rt.hardware_current = OptString(hardware, "current");
  rt.hardware_requested = OptString(hardware, "requested");
  rt.sleep_time_seconds = OptInt(object, "gcTimeout");
  rt.error_message = OptString(object, "errorMessage");
  rt.sha = OptString(object, "sha");
  rt.dev_mode = OptBool(object, "devMode");
  const Json& replicas = Member(object, "replicas");
  rt.replicas_current = OptInt(replicas, "current");
  rt.replicas_requested = OptInt(replicas, "requested");
  const Json& domains = Member(object, "domains");
  for (size_t i = 0; domains.is_array() && i < domains.size(); ++i) {
    const Json& d = domains.At(i);
    auto name = OptString(d, "domain");
    if (!name) continue;
    rt.domains.push_back(
        SpaceDomain{*name, d.GetString("stage"), OptBool(d, "isCustom").value_or(false)});
  }
  return rt;
}

Result<SpaceRuntime> ParseSpaceRuntime(std::string_view body) {
  Result<Json> doc = ParseObject(body, "runtime");
  if (!doc.ok()) return doc.status();
  return SpaceRuntimeFromJson(*doc);
}

SpaceInfo SpaceInfoFromJson(Json doc) {
  SpaceInfo info;
  info.id = doc.GetString("id");
  info.sha = OptString(doc, "sha");
  info.sdk = OptString(doc, "sdk");
  info.is_private = OptBool(doc, "private");
  info.last_modified = OptString(doc, "lastModified");
  info.subdomain = OptString(doc, "subdomain");
  info.host = OptString(doc, "host");
  if (const Json& rt = Member(doc, "runtime"); rt.is_object()) {
    info.runtime = SpaceRuntimeFromJson(rt);
  }
  if (const Json& card = Member(doc, "cardData"); card.is_object()) info.card_data = card;
  if (const Json& siblings = Member(doc, "siblings"); siblings.is_array()) {
    info.siblings.emplace();
    for (size_t i = 0; i < siblings.size(); ++i) {
      auto path = OptString(siblings.At(i), "rfilename");
      if (path) info.siblings->push_back(SpaceSibling{*path, OptInt(siblings.At(i), "size")});
    }
  }
  info.raw = std::move(doc);
  return info;
}

Result<SpaceInfo> ParseSpaceInfo(std::string_view body) {
  Result<Json> doc = ParseObject(body, "Space info");
  if (!doc.ok()) return doc.status();
  return SpaceInfoFromJson(*std::move(doc));
}

Result<std::vector<SpaceInfo>> ParseSpaceList(std::string_view body) {
  Result<Json> doc = Json::Parse(body);
  if (!doc.ok() || !doc->is_array()) return InvalidArgument("Space list: the answer is not a JSON array");
  std::vector<SpaceInfo> out;
  out.reserve(doc->size());
  for (size_t i = 0; i < doc->size(); ++i) {
    if (!doc->At(i).is_object()) return InvalidArgument("Space list: an entry is not a JSON object");
    out.push_back(SpaceInfoFromJson(std::move(doc->At(i))));
  }
  return out;
}

Result<SpaceVariables> ParseSpaceVariables(std::string_view body) {
  Result<Json> doc = ParseObject(body, "variables");
  if (!doc.ok()) return doc.status();
  SpaceVariables out;
  for (const auto& [key, entry] : doc->Members()) {
    SpaceVariable v;
    if (entry.is_string()) {
      v.value = entry.AsString();  // a bare {"KEY":"value"} map, should the Hub ever send one
    } else {
      v.value = OptString(entry, "value").value_or("");
      v.description = OptString(entry, "description");
      v.updated_at = OptString(entry, "updatedAt");
    }
    out[key] = std::move(v);
  }
  return out;
}

Result<SpaceSecrets> ParseSpaceSecrets(std::string_view body) {
  Result<Json> doc = ParseObject(body, "secrets");
  if (!doc.ok()) return doc.status();
  SpaceSecrets out;
  for (const auto& [key, entry] : doc->Members()) {
    out[key] = SpaceSecretInfo{OptString(entry, "description"), OptString(entry, "updatedAt")};
  }
  return out;
}

Result<PreuploadAnswer> ParsePreupload(std::string_view body) {
  Result<Json> doc = ParseObject(body, "preupload");
  if (!doc.ok()) return doc.status();
  PreuploadAnswer answer;
  answer.commit_oid = doc->GetString("commitOid");
  const Json& files = Member(*doc, "files");
  for (size_t i = 0; files.is_array() && i < files.size(); ++i) {
    const Json& f = files.At(i);
    PreuploadVerdict v;
    v.path = f.GetString("path");
    v.upload_mode = f.GetString("uploadMode");
    v.should_ignore = OptBool(f, "shouldIgnore").value_or(false);
    v.remote_oid = f.GetString("oid");
    if (!v.path.empty()) answer.files.push_back(std::move(v));
  }
  return answer;
}

}  // namespace spaceport::hub
