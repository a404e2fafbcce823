#include "clients/hub/hub_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "http/http.h"

namespace spaceport::hub {
namespace {

// The official clients drop CR/LF and surrounding blanks; a token that is then empty is unset.
std::optional<std::string> CleanToken(std::optional<std::string> raw) {
  if (!raw) return std::nullopt;
  std::string out;
  for (char c : *raw) {
    if (c != '\r' && c != '\n') out += c;
  }
  const size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return std::nullopt;
  const size_t last = out.find_last_not_of(" \t");
  return out.substr(first, last - first + 1);
}

std::optional<std::string> NonEmpty(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

Result<std::optional<HubToken>> TokenFromFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<HubToken>();
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status(StatusCode::kFailedPrecondition,
                  "the Hub token file " + path + " exists but is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kFailedPrecondition,
                  "the Hub token file " + path + " exists but cannot be read");
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::optional<std::string> token = CleanToken(text.str());
  if (!token) return std::optional<HubToken>();
  return std::optional<HubToken>(HubToken{*token, "token file " + path});
}

}  // namespace

Status HubConfig::Validate() const {
  Result<http::Url> url = http::Url::Parse(endpoint);
  if (!url.ok()) return InvalidArgument("Hub endpoint: " + url.status().message());
  if (url->path_and_query != "/" || endpoint.ends_with("/")) {
    return InvalidArgument("Hub endpoint " + url->Origin() +
                           " must be an origin without a path (as in https://huggingface.co)");
  }
  if (url->scheme == "http" && !allow_plain_http && !http::IsLoopbackHost(url->host)) {
    return FailedPrecondition("Hub endpoint " + url->Origin() +
                              " is plain http; use https (plain http is accepted only on "
                              "loopback or when explicitly allowed)");
  }
  return Status::Ok();
}

std::string HubConfig::TokenDescription() const { return token ? token->source : "anonymous"; }

std::string TokenFilePath(const EnvLookup& env) {
  if (auto path = NonEmpty(env, "HF_TOKEN_PATH")) return *path;
  if (auto home = NonEmpty(env, "HF_HOME")) return *home + "/token";
  if (auto cache = NonEmpty(env, "XDG_CACHE_HOME")) return *cache + "/huggingface/token";
  if (auto home = NonEmpty(env, "HOME")) return *home + "/.cache/huggingface/token";
  return "";
}

Result<std::optional<HubToken>> ResolveToken(const EnvLookup& env,
                                             std::optional<std::string> explicit_token) {
  if (auto token = CleanToken(std::move(explicit_token))) {
    return std::optional<HubToken>(HubToken{*token, "explicit token"});
  }
  for (const char* name : {"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"}) {
    if (auto token = CleanToken(env(name))) {
      return std::optional<HubToken>(HubToken{*token, name});
    }
  }
  const std::string path = TokenFilePath(env);
  if (path.empty()) return std::optional<HubToken>();
  return TokenFromFile(path);
}

Result<std::string> ResolveEndpoint(const EnvLookup& env) {
  std::string endpoint = NonEmpty(env, "HF_ENDPOINT").value_or(std::string(kDefaultEndpoint));
  while (endpoint.ends_with("/")) endpoint.pop_back();
  HubConfig probe;
  probe.endpoint = endpoint;
  probe.allow_plain_http = true;  // the scheme policy is the caller's (HubConfig::Validate)
  if (Status s = probe.Validate(); !s.ok()) {
    return Status(s.code(), "HF_ENDPOINT: " + s.message());
  }
  return endpoint;
}

Result<HubConfig> ConfigFromEnvironment(const EnvLookup& env,
                                        std::optional<std::string> explicit_token) {
  HubConfig config;
  Result<std::string> endpoint = ResolveEndpoint(env);
  if (!endpoint.ok()) return endpoint.status();
  config.endpoint = *endpoint;
  Result<std::optional<HubToken>> token = ResolveToken(env, std::move(explicit_token));
  if (!token.ok()) return token.status();
  config.token = *token;
  if (Status s = config.Validate(); !s.ok()) return s;
  return config;
}

}  // namespace spaceport::hub
