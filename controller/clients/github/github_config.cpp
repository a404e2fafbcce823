#include "clients/github/github_config.h"

#include <cstdlib>

#include "http/http.h"

namespace spaceport::github {
namespace {

std::string Trimmed(std::string_view s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const size_t last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

}  // namespace

Status GithubConfig::Validate() const {
  Result<http::Url> url = http::Url::Parse(api_url);
  if (!url.ok()) {
    return InvalidArgument("GitHub API URL \"" + api_url + "\" is not an absolute http(s) URL");
  }
  if (url->path_and_query.find('?') != std::string::npos || api_url.find('@') != std::string::npos) {
    return InvalidArgument("GitHub API URL \"" + api_url +
                           "\" must not carry a query or user info");
  }
  if (url->scheme == "http" && !allow_plain_http && !http::IsLoopbackHost(url->host)) {
    return InvalidArgument("GitHub API URL \"" + api_url +
                           "\" uses plain http; use https (plain http is allowed on loopback only)");
  }
  return Status::Ok();
}

std::string GithubConfig::TokenDescription() const {
  return token ? token->source : std::string("anonymous");
}

Result<GithubConfig> ConfigFromEnvironment(const EnvLookup& env,
                                           std::optional<std::string> explicit_token) {
  GithubConfig config;
  if (auto url = env(std::string(kApiUrlEnv)); url && !Trimmed(*url).empty()) {
    config.api_url = Trimmed(*url);
  }
  while (config.api_url.size() > 1 && config.api_url.back() == '/') config.api_url.pop_back();

  if (explicit_token && !Trimmed(*explicit_token).empty()) {
    config.token = GithubToken{Trimmed(*explicit_token), "explicit token"};
  } else if (auto value = env(std::string(kTokenEnv)); value && !Trimmed(*value).empty()) {
    config.token = GithubToken{Trimmed(*value), std::string(kTokenEnv)};
  }
  if (Status s = config.Validate(); !s.ok()) return s;
  return config;
}

}  // namespace spaceport::github
