#include "clients/oci/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/base64.h"
#include "base/json.h"
#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

// "https://index.docker.io/v1/" → "index.docker.io"; keys may carry a scheme and a path.
std::string NormalizeAuthKey(std::string_view key) {
  std::string k = AsciiLower(AsciiTrim(key));
  for (std::string_view scheme : {"https://", "http://"}) {
    if (k.rfind(scheme, 0) == 0) k.erase(0, scheme.size());
  }
  size_t slash = k.find('/');
  if (slash != std::string::npos) k.erase(slash);
  return k;
}

bool IsDockerHub(std::string_view host) {
  return host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io";
}

bool SameRegistry(std::string_view a, std::string_view b) {
  return a == b || (IsDockerHub(a) && IsDockerHub(b));
}

Status Unsupported(std::string_view source, std::string_view host, std::string_view what) {
  return Status(StatusCode::kUnimplemented,
                std::string(source) + ": " + std::string(what) + " for " + std::string(host) +
                    " is not supported; put a username and password (or token) in "
                    "`auths` or use the environment (docs/registry-auth.md)");
}

Result<std::optional<Credentials>> FromAuthEntry(const Json& entry, std::string_view host,
                                                 std::string source) {
  std::string auth = entry.GetString("auth");
  if (!auth.empty()) {
    auto decoded = Base64Decode(AsciiTrim(auth));
    if (!decoded)
      return InvalidArgument(source + ": the `auth` of " + std::string(host) + " is not base64");
    size_t colon = decoded->find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgument(source + ": the `auth` of " + std::string(host) +
                             " is not \"user:password\"");
    }
    return std::optional<Credentials>(
        Credentials{decoded->substr(0, colon), decoded->substr(colon + 1), source});
  }
  std::string username = entry.GetString("username");
  std::string password = entry.GetString("password");
  if (!username.empty() && !password.empty()) {
    return std::optional<Credentials>(Credentials{username, password, source});
  }
  if (!entry.GetString("identitytoken").empty())
    return Unsupported(source, host, "an identity token");
  return std::optional<Credentials>();
}

}  // namespace

std::string EnvPrefixForHost(std::string_view host) {
  std::string out = "SPACEPORT_REGISTRY_";
  for (char c : host) {
    if (c >= 'a' && c <= 'z') {
      out += static_cast<char>(c - 'a' + 'A');
    } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out += c;
    } else {
      out += '_';
    }
  }
  return out;
}

Result<std::optional<Credentials>> CredentialsFromEnvironment(std::string_view host,
                                                              const EnvLookup& env) {
  auto non_empty = [&](const std::string& name) -> std::optional<std::string> {
    auto v = env(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  };
  std::string prefix = EnvPrefixForHost(host);
  auto user = non_empty(prefix + "_USERNAME");
  auto pass = non_empty(prefix + "_PASSWORD");
  if (user && pass) {
    return std::optional<Credentials>(
        Credentials{*user, *pass, "environment " + prefix + "_USERNAME/_PASSWORD"});
  }
  if (user || pass) {
    return InvalidArgument("environment: " + prefix + (user ? "_USERNAME" : "_PASSWORD") +
                           " is set but " + prefix + (user ? "_PASSWORD" : "_USERNAME") +
                           " is not");
  }
  if (host == "ghcr.io") {
    if (auto token = non_empty("GHCR_TOKEN")) {
      auto name = non_empty("GHCR_USERNAME");
      std::string source = "environment GHCR_TOKEN";
      if (!name) name = non_empty("GITHUB_ACTOR");
      // GHCR checks the token, not the name; any non-empty name is reported to work.
      if (!name) name = "token";
      return std::optional<Credentials>(Credentials{*name, *token, source});
    }
  }
  return std::optional<Credentials>();
}

std::string DockerConfigPath(const EnvLookup& env) {
  if (auto dir = env("DOCKER_CONFIG"); dir && !dir->empty()) return *dir + "/config.json";
  if (auto home = env("HOME"); home && !home->empty()) return *home + "/.docker/config.json";
  return "";
}

Result<std::optional<Credentials>> CredentialsFromDockerConfig(std::string_view config_json,
                                                               std::string_view host,
                                                               std::string_view source) {
  auto doc = Json::Parse(config_json);
  // The parser's message may quote the file's text, which may hold a password: say only where.
  if (!doc.ok() || !doc->is_object())
    return InvalidArgument(std::string(source) + ": not a JSON object");
  std::string wanted = AsciiLower(host);
  if (const Json* auths = doc->Find("auths"); auths != nullptr && auths->is_object()) {
    // An exact key wins over an alias ("docker.io" vs "https://index.docker.io/v1/").
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& [key, entry] : auths->Members()) {
        std::string k = NormalizeAuthKey(key);
        bool match = pass == 0 ? k == wanted : SameRegistry(k, wanted);
        if (!match || !entry.is_object()) continue;
        auto creds = FromAuthEntry(entry, host, std::string(source));
        if (!creds.ok() || creds->has_value()) return creds;
      }
    }
  }
  if (const Json* helpers = doc->Find("credHelpers"); helpers != nullptr && helpers->is_object()) {
    for (const auto& [key, helper] : helpers->Members()) {
      if (SameRegistry(NormalizeAuthKey(key), wanted))
        return Unsupported(source, host, "a credential helper");
    }
  }
  if (!doc->GetString("credsStore").empty() && doc->Find("auths") != nullptr) {
    // Docker Desktop writes `"auths": {"host": {}}` and keeps the secret in the store.
    const Json* auths = doc->Find("auths");
    for (const auto& [key, entry] : auths->Members()) {
      if (SameRegistry(NormalizeAuthKey(key), wanted))
        return Unsupported(source, host, "a credential store");
    }
  }
  return std::optional<Credentials>();
}

Result<std::optional<Credentials>> CredentialsFromDockerConfigFile(const std::string& path,
                                                                   std::string_view host) {
  if (path.empty()) return std::optional<Credentials>();
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<Credentials>();
  std::stringstream buffer;
  buffer << in.rdbuf();
  return CredentialsFromDockerConfig(buffer.str(), host, "docker config " + path);
}

Result<std::optional<Credentials>> ResolveCredentials(const RegistryConfig& config,
                                                      const EnvLookup& env) {
  if (config.credentials) return config.credentials;
  auto from_env = CredentialsFromEnvironment(config.host, env);
  if (!from_env.ok() || from_env->has_value()) return from_env;
  return CredentialsFromDockerConfigFile(DockerConfigPath(env), config.host);
}

}  // namespace spaceport::oci
