#include "emulators/hub/ndjson_commit.h"

#include "base/base64.h"
#include "emulators/hub/responses.h"

namespace spaceport::hub_emulator {
namespace {

OrError<FileChange> FileLine(const Json& value) {
  FileChange change;
  change.path = value.GetString("path");
  change.old_path = value.GetString("oldPath");
  const std::string encoding = value.GetString("encoding", "utf-8");
  const Json* content = value.Find("content");
  if (!content || !content->is_string()) return BadRequest("A file line needs a string \"content\"");
  if (encoding == "base64") {
    std::optional<std::string> bytes = Base64Decode(content->AsString());
    if (!bytes) return BadRequest("Invalid base64 content for \"" + change.path + "\"");
    change.content = *std::move(bytes);
  } else if (encoding == "utf-8") {
    change.content = content->AsString();
  } else {
    return BadRequest("Unknown encoding \"" + encoding + "\"");
  }
  return change;
}

}  // namespace

OrError<CommitDraft> ParseCommitBody(std::string_view body) {
  CommitDraft draft;
  bool have_header = false;
  size_t pos = 0;
  int line_number = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;

    Result<Json> doc = Json::Parse(line);
    if (!doc.ok()) {
      return BadRequest("Invalid JSON on line " + std::to_string(line_number) + ": " +
                        doc.status().message());
    }
    const std::string key = doc->GetString("key");
    const Json* value = doc->Find("value");
    if (!value || !value->is_object()) {
      return BadRequest("Line " + std::to_string(line_number) + " needs an object \"value\"");
    }
    if (!have_header) {
      if (key != "header") return BadRequest("The first line of a commit must be its header");
      const Json* summary = value->Find("summary");
      if (!summary || !summary->is_string()) return BadRequest("The commit header needs a \"summary\"");
      draft.summary = summary->AsString();
      draft.description = value->GetString("description");
      draft.parent_commit = value->GetString("parentCommit");
      have_header = true;
      continue;
    }
    if (key == "file") {
      OrError<FileChange> change = FileLine(*value);
      if (const http::Response* e = ErrorOf(change)) return *e;
      draft.changes.push_back(std::get<FileChange>(std::move(change)));
    } else if (key == "deletedFile" || key == "deletedFolder") {
      FileChange change;
      change.kind = key == "deletedFile" ? FileChange::Kind::kDelete : FileChange::Kind::kDeleteFolder;
      change.path = value->GetString("path");
      draft.changes.push_back(std::move(change));
    } else if (key == "lfsFile") {
      return BadRequest("Your push was rejected because an LFS pointer pointed to a file that "
                        "does not exist (" + value->GetString("path") + ")");
    } else if (key == "header") {
      return BadRequest("A commit has exactly one header");
    } else {
      return BadRequest("Unknown commit line key \"" + key + "\"");
    }
  }
  if (!have_header) return BadRequest("The commit body is empty: a header line is required");
  return draft;
}

}  // namespace spaceport::hub_emulator
