// HubClient's repository files and commits (hub_client.h): downloading a file (first hop read
// for its commit and ETag, a CDN hop without the token), the preupload check, and the NDJSON
// commit with its parent-commit conflict rule.
#include <algorithm>

#include "base/json.h"
#include "clients/hub/commit_body.h"
#include "clients/hub/hub_client.h"
#include "clients/hub/hub_error.h"
#include "clients/hub/hub_json.h"
#include "clients/hub/hub_request.h"

namespace spaceport::hub {
namespace {

using detail::IsRedirect;
using detail::IsSuccess;
using detail::Named;
using detail::NewRequest;

// Each segment percent-encoded, the '/' between segments kept (Python's quote(path)).
std::string EncodePath(std::string_view path) {
  std::string out;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    out += http::UrlEncode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

// `"abc"`, `W/"abc"` → `abc`.
std::string UnquoteEtag(std::string etag) {
  if (etag.starts_with("W/")) etag.erase(0, 2);
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
    etag = etag.substr(1, etag.size() - 2);
  }
  return etag;
}

std::string ShortSha(std::string_view sha) { return std::string(sha.substr(0, 12)); }

}  // namespace

Result<std::optional<DownloadedFile>> HubClient::DownloadFile(std::string_view space_id,
                                                              std::string_view revision,
                                                              std::string_view path) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  if (path.empty() || path.front() == '/') {
    return InvalidArgument("download from " + std::string(space_id) + ": bad file path \"" +
                           std::string(path) + "\"");
  }
  const std::string rev = revision.empty() ? "main" : std::string(revision);
  const std::string what = "download " + std::string(path) + " from " + std::string(space_id) +
                           "@" + rev;
  const std::string url = config_.endpoint + "/spaces/" + std::string(space_id) + "/resolve/" +
                          http::UrlEncode(rev) + "/" + EncodePath(path);

  // The first hop is read without following: its X-Repo-Commit and ETag (or X-Linked-Etag for a
  // file stored in LFS) describe the file even when the bytes come from a CDN.
  http::Request first = NewRequest("GET", url);
  SendOptions first_hop;
  first_hop.follow_redirects = false;
  Result<http::Response> response = Send(first, "download", what, first_hop);
  if (!response.ok()) return response.status();
  DownloadedFile file;
  file.commit = response->headers.Get("X-Repo-Commit").value_or("");
  file.etag = UnquoteEtag(response->headers.Get("X-Linked-Etag")
                              .value_or(response->headers.Get("ETag").value_or("")));

  if (IsRedirect(response->status)) {
    const std::optional<std::string> location = response->headers.Get("Location");
    Result<http::Url> base = http::Url::Parse(url);
    if (!location || !base.ok()) return Fail(*response, what);
    Result<http::Url> next = base->Resolve(*location);
    if (!next.ok()) return Fail(StatusCode::kUnavailable, what, "unusable redirect Location");
    // The bytes may live on another host (a CDN with a signed URL): the token goes only to ours.
    SendOptions hop_options;
    hop_options.authenticate = next->Origin() == origin_;
    hop_options.count = false;  // one logical download
    Result<http::Response> content =
        Send(NewRequest("GET", next->ToString()), "download", what, hop_options);
    if (!content.ok()) return content.status();
    response = std::move(content);
    if (hop_options.authenticate) {
      // Moved within the Hub (a renamed repo): the final answer describes the file.
      file.commit = response->headers.Get("X-Repo-Commit").value_or(file.commit);
      file.etag = UnquoteEtag(response->headers.Get("X-Linked-Etag")
                                  .value_or(response->headers.Get("ETag").value_or(file.etag)));
    }
  }
  if (response->status == 404 &&
      response->headers.Get("X-Error-Code").value_or("") == "EntryNotFound") {
    return std::optional<DownloadedFile>();
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  if (file.commit.empty()) file.commit = response->headers.Get("X-Repo-Commit").value_or("");
  if (file.etag.empty()) file.etag = UnquoteEtag(response->headers.Get("ETag").value_or(""));
  file.content = std::move(response->body);
  return std::optional<DownloadedFile>(std::move(file));
}

// --- writing files ---

Result<std::vector<std::string>> HubClient::Preupload(std::string_view space_id,
                                                      const CommitRequest& request) {
  const std::string what = Named("preupload to", space_id);
  std::vector<std::string> ignored;
  const size_t batch = std::max<size_t>(options_.preupload_batch, 1);
  for (size_t begin = 0; begin < request.files.size(); begin += batch) {
    const size_t end = std::min(request.files.size(), begin + batch);
    Result<http::Response> response =
        SendJson("POST",
                 SpaceApi(space_id, "/preupload/" + http::UrlEncode(request.revision)),
                 PreuploadBody(request.files, begin, end), "preupload", what);
    if (!response.ok()) return response.status();
    if (!IsSuccess(response->status)) return Fail(*response, what);
    Result<PreuploadAnswer> answer = ParsePreupload(response->body);
    if (!answer.ok()) return Fail(StatusCode::kInvalidArgument, what, answer.status().message());
    for (const PreuploadVerdict& verdict : answer->files) {
      if (verdict.should_ignore) {
        ignored.push_back(verdict.path);
        continue;
      }
      if (verdict.upload_mode.empty() || verdict.upload_mode == "regular") continue;
      size_t size = 0;
      for (const CommitFile& f : request.files) {
        if (f.path == verdict.path) size = f.content.size();
      }
      return Fail(StatusCode::kUnimplemented, what,
                  "the Hub wants " + verdict.path + " (" + std::to_string(size) +
                      " bytes) uploaded in \"" + verdict.upload_mode +
                      "\" mode (Git LFS), which Spaceport does not implement; keep Space files "
                      "small and textual");
    }
  }
  return ignored;
}

Result<CommitResult> HubClient::Commit(std::string_view space_id, const CommitRequest& request) {
  if (Status s = ValidateSpaceId(space_id); !s.ok()) return s;
  const std::string what = Named("commit to", space_id);
  if (request.summary.empty()) return InvalidArgument(what + ": the commit needs a summary");
  if (request.files.empty() && request.deletions.empty()) {
    return InvalidArgument(what + ": nothing to commit (no files, no deletions)");
  }
  const std::string revision = request.revision.empty() ? "main" : request.revision;

  CommitRequest sent = request;
  sent.revision = revision;
  CommitResult result;
  if (!sent.files.empty()) {
    Result<std::vector<std::string>> ignored = Preupload(space_id, sent);
    if (!ignored.ok()) return ignored.status();
    result.ignored_paths = *ignored;
    std::erase_if(sent.files, [&](const CommitFile& f) {
      return std::find(ignored->begin(), ignored->end(), f.path) != ignored->end();
    });
    if (sent.files.empty() && sent.deletions.empty()) {
      return Fail(StatusCode::kFailedPrecondition, what,
                  "the Hub ignores every file of this commit (.gitignore)");
    }
  }

  http::Request commit;
  commit.method = "POST";
  commit.url = SpaceApi(space_id, "/commit/" + http::UrlEncode(revision));
  commit.headers.Set("Accept", "application/json");
  commit.headers.Set("Content-Type", "application/x-ndjson");
  commit.body = CommitNdjson(sent);
  Result<http::Response> response = Send(std::move(commit), "commit", what);
  if (!response.ok()) return response.status();
  if ((response->status == 409 || response->status == 412) && !request.parent_commit.empty()) {
    return Fail(StatusCode::kConflict, what,
                "the Space changed since it was observed (expected parent " +
                    ShortSha(request.parent_commit) + "); observe again. The Hub said " +
                    DescribeHubError(*response));
  }
  if (!IsSuccess(response->status)) return Fail(*response, what);
  Result<Json> doc = Json::Parse(response->body);
  if (!doc.ok() || !doc->is_object()) {
    return Fail(StatusCode::kInvalidArgument, what, "the commit answer is not a JSON object");
  }
  result.commit_id = doc->GetString("commitOid");
  result.commit_url = doc->GetString("commitUrl");
  if (result.commit_id.empty()) {
    return Fail(StatusCode::kInvalidArgument, what, "the commit answer has no commitOid");
  }
  return result;
}

}  // namespace spaceport::hub
