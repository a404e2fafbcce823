// HubClient::ListSpaces: the Space list of one owner, page by page (hub_client.h). Its own file,
// as the OCI client keeps one concern per file.
#include "clients/hub/hub_client.h"
#include "clients/hub/hub_json.h"
#include "http/link_header.h"

namespace spaceport::hub {
namespace {

constexpr int kPageLimit = 500;  // what the official JS client asks for
constexpr int kMaxPages = 200;   // 100,000 Spaces: a bound, not an expectation

}  // namespace

Result<std::vector<SpaceInfo>> HubClient::ListSpaces(std::string_view owner, const std::vector<std::string>& expand) {
  const std::string what = "GET the Space list of " + std::string(owner);
  if (owner.empty() || owner.find('/') != std::string_view::npos)
    return InvalidArgument(what + ": not an owner name");
  std::string url = config_.endpoint + "/api/spaces?author=" + http::UrlEncode(owner) +
                    "&limit=" + std::to_string(kPageLimit);
  for (const std::string& field : expand) url += "&expand=" + http::UrlEncode(field);
  std::vector<SpaceInfo> all;
  for (int page = 0; page < kMaxPages; ++page) {
    http::Request request;
    request.method = "GET";
    request.url = url;
    request.headers.Add("Accept", "application/json");
    Result<http::Response> response = Send(std::move(request), "space list", what);
    if (!response.ok()) return response.status();
    if (response->status < 200 || response->status >= 300) return Fail(*response, what);
    Result<std::vector<SpaceInfo>> spaces = ParseSpaceList(response->body);
    if (!spaces.ok()) return Fail(StatusCode::kInvalidArgument, what, spaces.status().message());
    for (SpaceInfo& info : *spaces) all.push_back(std::move(info));
    std::optional<std::string> next = http::NextLink(response->headers.GetAll("Link"));
    if (!next) return all;
    // Only the Hub's own origin: a Link elsewhere would carry the token away.
    if (next->rfind(config_.endpoint + "/", 0) != 0)
      return Fail(StatusCode::kInvalidArgument, what, "the next page is on another origin");
    url = *next;
  }
  // A Hub that links on for ever: an invalid answer, refused rather than half used (not
  // kResourceExhausted, which would report a rate limit).
  return Fail(StatusCode::kInvalidArgument, what,
              "more than " + std::to_string(kMaxPages) + " pages; refusing a partial list");
}

}  // namespace spaceport::hub
