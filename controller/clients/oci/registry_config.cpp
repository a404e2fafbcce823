#include "clients/oci/registry_config.h"

#include "http/http.h"

namespace spaceport::oci {

std::string RegistryConfig::BaseUrl() const {
  std::string url = endpoint.empty() ? "https://" + host : endpoint;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Status RegistryConfig::Validate() const {
  if (host.empty()) return InvalidArgument("registry config: host is empty");
  auto url = http::Url::Parse(BaseUrl());
  if (!url.ok())
    return InvalidArgument("registry " + host +
                           ": endpoint is not a URL: " + url.status().message());
  if (url->path_and_query != "/" && !url->path_and_query.empty()) {
    return InvalidArgument("registry " + host +
                           ": endpoint must not have a path (the API lives at /v2/)");
  }
  if (url->scheme == "http" && !insecure) {
    return InvalidArgument(
        "registry " + host + ": endpoint " + url->Origin() +
        " uses plain http; mark the registry insecure to allow it (loopback only)");
  }
  if (url->scheme != "http" && url->scheme != "https") {
    return InvalidArgument("registry " + host + ": endpoint scheme must be http or https");
  }
  return Status::Ok();
}

}  // namespace spaceport::oci
