#include "clients/hub/commit_body.h"

#include <algorithm>
#include <cstdint>

#include "base/base64.h"
#include "base/json.h"

namespace spaceport::hub {
namespace {

std::string Line(std::string_view key, Json value) {
  Json line = Json::Object();
  line.Set("key", Json(key));
  line.Set("value", std::move(value));
  return line.Dump() + "\n";
}

}  // namespace

std::string CommitNdjson(const CommitRequest& request) {
  Json header = Json::Object();
  header.Set("summary", Json(request.summary));
  if (!request.description.empty()) header.Set("description", Json(request.description));
  if (!request.parent_commit.empty()) header.Set("parentCommit", Json(request.parent_commit));
  std::string body = Line("header", std::move(header));
  for (const CommitFile& file : request.files) {
    Json value = Json::Object();
    value.Set("content", Json(Base64Encode(file.content)));
    value.Set("path", Json(file.path));
    value.Set("encoding", Json("base64"));
    body += Line("file", std::move(value));
  }
  for (const std::string& path : request.deletions) {
    Json value = Json::Object();
    value.Set("path", Json(path));
    body += Line("deletedFile", std::move(value));
  }
  return body;
}

std::string PreuploadBody(const std::vector<CommitFile>& files, size_t begin, size_t end) {
  Json list = Json::Array();
  for (size_t i = begin; i < end && i < files.size(); ++i) {
    const CommitFile& file = files[i];
    Json entry = Json::Object();
    entry.Set("path", Json(file.path));
    entry.Set("size", Json(static_cast<int64_t>(file.content.size())));
    entry.Set("sample",
              Json(Base64Encode(std::string_view(file.content)
                                    .substr(0, std::min(file.content.size(),
                                                        kPreuploadSampleBytes)))));
    list.Push(std::move(entry));
  }
  Json body = Json::Object();
  body.Set("files", std::move(list));
  return body.Dump();
}

}  // namespace spaceport::hub
