// Request bodies of the Hub's commit API (hf-hub-api.md §4.1–4.2).
//
// A commit is NDJSON (Content-Type application/x-ndjson): a header line, then one line per file
// (content base64-encoded, so any bytes survive) and one per deletion, each ending in "\n":
//
//   {"key":"header","value":{"summary":"deploy v1","parentCommit":"c52c…"}}
//   {"key":"file","value":{"content":"RlJPTSBi…","path":"Dockerfile","encoding":"base64"}}
//   {"key":"deletedFile","value":{"path":"old.txt"}}
//
// `description` and `parentCommit` are sent only when non-empty (as @huggingface/hub does).
// The preupload body asks how each file must travel: {"files":[{"path","size","sample"}]},
// where sample is the base64 of the first 512 bytes.
#pragma once

#include <string>
#include <vector>

#include "clients/hub/hub_types.h"

namespace spaceport::hub {

inline constexpr size_t kPreuploadSampleBytes = 512;

std::string CommitNdjson(const CommitRequest& request);
// The preupload body for files[begin, end).
std::string PreuploadBody(const std::vector<CommitFile>& files, size_t begin, size_t end);


}  // namespace spaceport::hub
