#include "observe/observation_json.h"

#include <utility>

namespace spaceport::observe {
namespace {

constexpr std::string_view kApiVersion = "spaceport.dev/v1alpha1";
constexpr std::string_view kKind = "Observation";

// ---- writing ---------------------------------------------------------------------------------

Json StringArray(const std::vector<std::string>& items) {
  Json a = Json::Array();
  for (const auto& s : items) a.Push(Json(s));
  return a;
}

Json StringMap(const std::map<std::string, std::string>& m) {
  Json o = Json::Object();
  for (const auto& [k, v] : m) o.Append(k, Json(v));
  return o;
}

void SetIfPresent(Json& o, std::string_view key, const std::optional<std::string>& v) {
  if (v) o.Set(key, Json(*v));
}

Json TagToJson(const TagInfo& tag) {
  Json t = Json::Object();
  t.Set("digest", Json(tag.digest));
  t.Set("mediaType", Json(tag.media_type));
  Json platforms = Json::Array();
  for (const auto& p : tag.platforms) {
    Json j = Json::Object();
    j.Set("platform", Json(p.platform));
    j.Set("digest", Json(p.digest));
    j.Set("env", StringArray(p.env));
    j.Set("exposedPorts", StringArray(p.exposed_ports));
    j.Set("labels", StringMap(p.labels));
    platforms.Push(std::move(j));
  }
  t.Set("platforms", std::move(platforms));
  return t;
}

Json SpaceToJson(const SpaceObservation& s) {
  Json j = Json::Object();
  j.Set("exists", Json(s.exists));
  j.Set("sha", Json(s.sha));
  SetIfPresent(j, "dockerfile", s.dockerfile);
  SetIfPresent(j, "readme", s.readme);
  j.Set("stage", Json(s.stage));
  if (!s.error_message.empty()) j.Set("errorMessage", Json(s.error_message));
  SetIfPresent(j, "hardware", s.hardware);
  SetIfPresent(j, "requestedHardware", s.requested_hardware);
  if (s.sleep_time_seconds) j.Set("sleepTimeSeconds", Json(*s.sleep_time_seconds));
  j.Set("variables", StringMap(s.variables));
  Json secrets = Json::Object();
  for (const auto& [key, info] : s.secrets) {
    Json secret = Json::Object();
    secret.Set("description", Json(info.description));
    secrets.Set(key, std::move(secret));
  }
  j.Set("secrets", std::move(secrets));
  return j;
}

Json BuildToJson(const BuildInFlight& b) {
  Json j = Json::Object();
  j.Set("repository", Json(b.repository));
  j.Set("version", Json(b.version));
  j.Set("id", Json(b.id));
  if (!b.url.empty()) j.Set("url", Json(b.url));
  j.Set("state", Json(b.state));
  if (!b.message.empty()) j.Set("message", Json(b.message));
  return j;
}

// ---- reading ---------------------------------------------------------------------------------

// Reads typed members and remembers the first type error with its JSON path. Absent members keep
// their defaults; null is accepted only where the model has an optional.
class Reader {
 public:
  bool ok() const { return error_.ok(); }
  Status TakeError() { return std::move(error_); }

  static std::string Member(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }
  static std::string Keyed(const std::string& path, std::string_view key) {
    std::string out = path + "[";
    AppendJsonString(out, key);
    return out + "]";
  }
  static std::string Indexed(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

  void Fail(const std::string& path, std::string_view what) {
    if (error_.ok()) error_ = InvalidArgument(path + ": " + std::string(what));
  }

  // The member when present and of the wanted type; nullptr (and an error when of another type).
  const Json* Get(const Json& obj, std::string_view key, const std::string& path, Json::Type type,
                  std::string_view type_name, bool null_ok = false) {
    const Json* v = obj.Find(key);
    if (v == nullptr || (null_ok && v->is_null())) return nullptr;
    if (v->type() != type) {
      Fail(Member(path, key), "expected " + std::string(type_name));
      return nullptr;
    }
    return v;
  }

  void String(const Json& obj, std::string_view key, const std::string& path, std::string& out) {
    if (const Json* v = Get(obj, key, path, Json::Type::kString, "a string")) out = v->AsString();
  }
  void OptString(const Json& obj, std::string_view key, const std::string& path,
                 std::optional<std::string>& out) {
    if (const Json* v = Get(obj, key, path, Json::Type::kString, "a string or null", true))
      out = v->AsString();
  }
  void Bool(const Json& obj, std::string_view key, const std::string& path, bool& out) {
    if (const Json* v = Get(obj, key, path, Json::Type::kBool, "a boolean")) out = v->AsBool();
  }
  void OptInt(const Json& obj, std::string_view key, const std::string& path,
              std::optional<int64_t>& out) {
    const Json* v = Get(obj, key, path, Json::Type::kNumber, "an integer or null", true);
    if (v == nullptr) return;
    if (auto i = v->AsInt()) {
      out = *i;
    } else {
      Fail(Member(path, key), "expected an integer or null");
    }
  }
  const Json* Object(const Json& obj, std::string_view key, const std::string& path) {
    return Get(obj, key, path, Json::Type::kObject, "an object");
  }
  const Json* Array(const Json& obj, std::string_view key, const std::string& path) {
    return Get(obj, key, path, Json::Type::kArray, "an array");
  }

  void StringArray(const Json& obj, std::string_view key, const std::string& path,
                   std::vector<std::string>& out) {
    const Json* a = Array(obj, key, path);
    if (a == nullptr) return;
    const std::string here = Member(path, key);
    for (size_t i = 0; i < a->size(); ++i) {
      if (!a->At(i).is_string()) return Fail(Indexed(here, i), "expected a string");
      out.push_back(a->At(i).AsString());
    }
  }
  void StringMap(const Json& obj, std::string_view key, const std::string& path,
                 std::map<std::string, std::string>& out) {
    const Json* o = Object(obj, key, path);
    if (o == nullptr) return;
    const std::string here = Member(path, key);
    for (const auto& [k, v] : o->Members()) {
      if (!v.is_string()) return Fail(Keyed(here, k), "expected a string");
      out[k] = v.AsString();
    }
  }

  // Calls read(element, element_path) for each object-valued member of obj[key].
  template <typename Fn>
  void EachObject(const Json& obj, std::string_view key, const std::string& path, Fn read) {
    const Json* o = Object(obj, key, path);
    if (o == nullptr) return;
    const std::string here = Member(path, key);
    for (const auto& [k, v] : o->Members()) {
      if (!ok()) return;
      const std::string at = Keyed(here, k);
      if (!v.is_object()) return Fail(at, "expected an object");
      read(k, v, at);
    }
  }
  template <typename Fn>
  void EachArrayObject(const Json& obj, std::string_view key, const std::string& path, Fn read) {
    const Json* a = Array(obj, key, path);
    if (a == nullptr) return;
    const std::string here = Member(path, key);
    for (size_t i = 0; i < a->size() && ok(); ++i) {
      const std::string at = Indexed(here, i);
      if (!a->At(i).is_object()) return Fail(at, "expected an object");
      read(a->At(i), at);
    }
  }

 private:
  Status error_;
};

TagInfo ReadTag(Reader& r, const Json& j, const std::string& path) {
  TagInfo tag;
  r.String(j, "digest", path, tag.digest);
  r.String(j, "mediaType", path, tag.media_type);
  r.EachArrayObject(j, "platforms", path, [&](const Json& p, const std::string& at) {
    PlatformImage image;
    r.String(p, "platform", at, image.platform);
    r.String(p, "digest", at, image.digest);
    r.StringArray(p, "env", at, image.env);
    r.StringArray(p, "exposedPorts", at, image.exposed_ports);
    r.StringMap(p, "labels", at, image.labels);
    tag.platforms.push_back(std::move(image));
  });
  return tag;
}

SpaceObservation ReadSpace(Reader& r, const Json& j, const std::string& path) {
  SpaceObservation s;
  r.Bool(j, "exists", path, s.exists);
  r.String(j, "sha", path, s.sha);
  r.OptString(j, "dockerfile", path, s.dockerfile);
  r.OptString(j, "readme", path, s.readme);
  r.String(j, "stage", path, s.stage);
  r.String(j, "errorMessage", path, s.error_message);
  r.OptString(j, "hardware", path, s.hardware);
  r.OptString(j, "requestedHardware", path, s.requested_hardware);
  r.OptInt(j, "sleepTimeSeconds", path, s.sleep_time_seconds);
  r.StringMap(j, "variables", path, s.variables);
  r.EachObject(j, "secrets", path,
               [&](const std::string& key, const Json& secret, const std::string& at) {
                 r.String(secret, "description", at, s.secrets[key].description);
               });
  return s;
}

BuildInFlight ReadBuild(Reader& r, const Json& j, const std::string& path) {
  BuildInFlight b;
  r.String(j, "repository", path, b.repository);
  r.String(j, "version", path, b.version);
  r.String(j, "id", path, b.id);
  r.String(j, "url", path, b.url);
  r.String(j, "state", path, b.state);
  r.String(j, "message", path, b.message);
  return b;
}

void CheckConstant(Reader& r, const Json& j, std::string_view key, std::string_view want) {
  std::string value;
  r.String(j, key, "", value);
  if (r.ok() && j.Find(key) != nullptr && value != want) {
    std::string msg = "expected ";
    AppendJsonString(msg, want);
    msg += ", got ";
    AppendJsonString(msg, value);
    r.Fail(std::string(key), msg);
  }
}

}  // namespace

Json ObservationToJson(const Observation& o) {
  Json j = Json::Object();
  j.Set("apiVersion", Json(kApiVersion));
  j.Set("kind", Json(kKind));
  j.Set("observedAt", Json(o.observed_at));
  Json repositories = Json::Object();
  for (const auto& [name, repo] : o.repositories) {
    Json tags = Json::Object();
    for (const auto& [tag, info] : repo.tags) tags.Append(tag, TagToJson(info));
    Json r = Json::Object();
    r.Set("tags", std::move(tags));
    repositories.Append(name, std::move(r));
  }
  j.Set("repositories", std::move(repositories));
  Json spaces = Json::Object();
  for (const auto& [id, space] : o.spaces) spaces.Append(id, SpaceToJson(space));
  j.Set("spaces", std::move(spaces));
  Json builds = Json::Array();
  for (const auto& b : o.builds) builds.Push(BuildToJson(b));
  j.Set("builds", std::move(builds));
  j.Set("secretFingerprints", StringMap(o.secret_fingerprints));
  return j;
}

Result<Observation> ObservationFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("observation: expected an object");
  Reader r;
  Observation o;
  CheckConstant(r, j, "apiVersion", kApiVersion);
  CheckConstant(r, j, "kind", kKind);
  r.String(j, "observedAt", "", o.observed_at);
  r.EachObject(j, "repositories", "",
               [&](const std::string& name, const Json& repo, const std::string& at) {
                 Repository& out = o.repositories[name];
                 r.EachObject(repo, "tags", at,
                              [&](const std::string& tag, const Json& info, const std::string& p) {
                                out.tags[tag] = ReadTag(r, info, p);
                              });
               });
  r.EachObject(j, "spaces", "",
               [&](const std::string& id, const Json& space, const std::string& at) {
                 o.spaces[id] = ReadSpace(r, space, at);
               });
  r.EachArrayObject(j, "builds", "", [&](const Json& build, const std::string& at) {
    o.builds.push_back(ReadBuild(r, build, at));
  });
  r.StringMap(j, "secretFingerprints", "", o.secret_fingerprints);
  if (!r.ok()) return r.TakeError();
  return o;
}

Result<Observation> ParseObservation(const std::string& text) {
  auto json = Json::Parse(text);
  if (!json.ok()) return json.status();
  return ObservationFromJson(*json);
}

}  // namespace spaceport::observe
