#include "emulators/hub/image_probe.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "base/json.h"
#include "base/base64.h"
#include "http/header_lists.h"

namespace spaceport::hub_emulator {

const char* const kManifestAccept =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

namespace {

bool IsLoopbackHost(const std::string& host) {
  const std::string name = host.substr(0, host.rfind(':') == std::string::npos ? host.size()
                                                                               : host.rfind(':'));
  return name == "localhost" || name.rfind("127.", 0) == 0;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Challenge {
  std::string scheme;  // lower-case
  std::map<std::string, std::string> params;
};

std::vector<Challenge> ParseChallenges(const std::string& header) {
  std::vector<Challenge> out;
  for (const std::string& text : http::SplitChallenges(header)) {
    Challenge c;
    const size_t space = text.find(' ');
    c.scheme = Lower(text.substr(0, space));
    if (space != std::string::npos) {
      for (const std::string& param : http::SplitHeaderList(text.substr(space + 1))) {
        const size_t eq = param.find('=');
        if (eq == std::string::npos) continue;
        std::string value = param.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
          value = value.substr(1, value.size() - 2);
        }
        c.params[Lower(param.substr(0, eq))] = value;
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

RegistryImageProbe::RegistryImageProbe(std::unique_ptr<http::Transport> transport,
                                       RegistryProbeOptions options)
    : transport_(std::move(transport)), options_(std::move(options)) {}

// One answer to a 401: a Bearer token from the challenge's realm (sent Basic credentials when
// configured, else anonymous), or the Basic credentials themselves.
std::optional<std::string> RegistryImageProbe::Authorize(const std::string& www_authenticate,
                                                         const std::optional<std::string>& basic) {
  for (const Challenge& c : ParseChallenges(www_authenticate)) {
    if (c.scheme == "bearer" && c.params.count("realm")) {
      std::string url = c.params.at("realm");
      std::string query;
      for (const char* key : {"service", "scope"}) {
        if (!c.params.count(key)) continue;
        query += (query.empty() ? "" : "&") + std::string(key) + "=" + http::UrlEncode(c.params.at(key));
      }
      if (!query.empty()) url += (url.find('?') == std::string::npos ? "?" : "&") + query;
      http::Request token_request;
      token_request.url = url;
      token_request.timeout = options_.timeout;
      if (basic) token_request.headers.Add("Authorization", *basic);
      Result<http::Response> token = transport_->Send(token_request);
      if (!token.ok() || token->status != 200) return std::nullopt;
      Result<Json> doc = Json::Parse(token->body);
      if (!doc.ok()) return std::nullopt;
      const std::string value = doc->GetString("token", doc->GetString("access_token"));
      if (value.empty()) return std::nullopt;
      return "Bearer " + value;
    }
    if (c.scheme == "basic" && basic) return basic;
  }
  return std::nullopt;
}

ProbeResult RegistryImageProbe::Check(const ImageRef& ref) {
  const std::string shown = ref.ToString();
  std::string base;
  if (auto it = options_.registry_map.find(ref.host); it != options_.registry_map.end()) {
    base = it->second;
    while (!base.empty() && base.back() == '/') base.pop_back();
  } else if (IsLoopbackHost(ref.host)) {
    base = "http://" + ref.host;
  } else if (options_.unmapped == UnmappedRegistry::kImagePresent) {
    return {true, shown + ": assumed present (registry " + ref.host + " is not mapped)"};
  } else {
    return {false, shown + ": failed to resolve: registry " + ref.host +
                       " is not reachable from the emulator (no --registry-map for it)"};
  }
  std::optional<std::string> basic;
  if (auto it = options_.registry_credentials.find(ref.host); it != options_.registry_credentials.end()) {
    basic = "Basic " + Base64Encode(it->second);
  }

  http::Request request;
  request.url = base + ref.ManifestPath();
  request.headers.Add("Accept", kManifestAccept);
  request.timeout = options_.timeout;
  Result<http::Response> response = transport_->Send(request);
  if (response.ok() && response->status == 401) {
    const std::optional<std::string> authorization =
        Authorize(response->headers.Get("WWW-Authenticate").value_or(""), basic);
    if (authorization) {
      request.headers.Set("Authorization", *authorization);
      response = transport_->Send(request);
    }
  }

  if (!response.ok()) return {false, shown + ": failed to resolve: " + response.status().message()};
  switch (response->status) {
    case 200:
      return {true, shown + ": found"};
    case 404:
      return {false, shown + ": not found"};
    case 401:
    case 403:
      return {false, shown + ": pull access denied, repository does not exist or may require authorization"};
    default:
      return {false, shown + ": unexpected status " + std::to_string(response->status) +
                         " from the registry"};
  }
}

}  // namespace spaceport::hub_emulator
