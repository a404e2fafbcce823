#include "act/wrapper_derive.h"

#include <vector>

#include "base/json.h"
#include "resolve/wrapper.h"

namespace spaceport::act {
namespace {

constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view kHistoryComment = "spaceport hf-wrapper";

Json StringArray(const std::vector<std::string>& items) {
  Json a = Json::Array();
  for (const auto& s : items) a.Push(Json(s));
  return a;
}

// Appends one history entry that adds no layer; `created` mirrors the base for determinism.
void AppendHistory(Json& history, const Json* created, std::string created_by) {
  Json entry = Json::Object();
  if (created != nullptr) entry.Set("created", *created);
  entry.Set("created_by", Json(std::move(created_by)));
  entry.Set("comment", Json(std::string(kHistoryComment)));
  entry.Set("empty_layer", Json(true));
  history.Push(std::move(entry));
}

}  // namespace

Result<std::string> DeriveWrapperConfig(std::string_view base_config, const WrapperInputs& in) {
  auto parsed = Json::Parse(base_config);
  if (!parsed.ok()) return InvalidArgument("base image config is not JSON: " + parsed.status().message());
  Json root = std::move(parsed).value();
  if (!root.is_object()) return InvalidArgument("base image config is not a JSON object");

  if (root.Find("config") == nullptr || root.Find("config")->is_null()) root.Set("config", Json::Object());
  Json& config = *root.Find("config");
  if (!config.is_object()) return InvalidArgument("base image config: \"config\" is not an object");

  // Env: replace in place or append, in the spec's order.
  std::vector<std::string> base_env;
  if (const Json* env = config.Find("Env"); env != nullptr && env->is_array()) {
    for (size_t i = 0; i < env->size(); ++i)
      if (env->At(i).is_string()) base_env.push_back(env->At(i).AsString());
  }
  config.Set("Env", StringArray(resolve::DesiredWrapperEnv(base_env, in.spec.env)));

  // ExposedPorts: merge, as Docker's EXPOSE does.
  const std::string port_key = std::to_string(in.spec.port) + "/tcp";
  if (config.Find("ExposedPorts") == nullptr || !config.Find("ExposedPorts")->is_object())
    config.Set("ExposedPorts", Json::Object());
  if (config.Find("ExposedPorts")->Find(port_key) == nullptr)
    config.Find("ExposedPorts")->Set(port_key, Json::Object());

  // Labels: where the wrapper came from and which spec made it (read back by the planner).
  if (config.Find("Labels") == nullptr || !config.Find("Labels")->is_object())
    config.Set("Labels", Json::Object());
  Json& labels = *config.Find("Labels");
  labels.Set(resolve::kLabelBaseName, Json(in.base_name));
  labels.Set(resolve::kLabelBaseDigest, Json(in.base_digest));
  labels.Set(resolve::kLabelSpecHash, Json(resolve::WrapperSpecHash(in.spec)));

  // History: one empty-layer entry per instruction of hf/Dockerfile, so tools that match
  // non-empty history entries to rootfs.diff_ids keep working.
  if (root.Find("history") == nullptr || !root.Find("history")->is_array())
    root.Set("history", Json::Array());
  const Json* created = root.Find("created");
  std::string env_text = "ENV";
  for (const auto& [k, v] : in.spec.env) env_text += " " + k + "=" + v;
  Json history = *root.Find("history");
  AppendHistory(history, created, env_text);
  AppendHistory(history, created, "EXPOSE " + port_key);
  AppendHistory(history, created,
                "LABEL " + std::string(resolve::kLabelBaseName) + "=" + in.base_name + " " +
                    std::string(resolve::kLabelBaseDigest) + "=" + in.base_digest);
  root.Set("history", std::move(history));

  return root.Dump();
}

Result<std::string> DeriveWrapperManifest(std::string_view base_manifest, std::string_view media_type,
                                          std::string_view config_digest, size_t config_size,
                                          const WrapperInputs& in) {
  if (media_type != kOciManifest && media_type != kDockerManifest)
    return InvalidArgument("cannot derive a wrapper from media type \"" + std::string(media_type) +
                           "\"; pick the platform manifest out of the index first");
  auto parsed = Json::Parse(base_manifest);
  if (!parsed.ok()) return InvalidArgument("base manifest is not JSON: " + parsed.status().message());
  Json root = std::move(parsed).value();
  Json* config = root.is_object() ? root.Find("config") : nullptr;
  if (config == nullptr || !config->is_object())
    return InvalidArgument("base manifest has no config descriptor");

  config->Set("digest", Json(std::string(config_digest)));
  config->Set("size", Json(static_cast<int64_t>(config_size)));
  if (media_type == kOciManifest) {
    if (root.Find("mediaType") == nullptr) root.Set("mediaType", Json(std::string(kOciManifest)));
    if (root.Find("annotations") == nullptr || !root.Find("annotations")->is_object())
      root.Set("annotations", Json::Object());
    root.Find("annotations")->Set(resolve::kLabelBaseName, Json(in.base_name));
    root.Find("annotations")->Set(resolve::kLabelBaseDigest, Json(in.base_digest));
  }
  return root.Dump();
}

}  // namespace spaceport::act
