// Parsing the commit API's body (POST /api/{type}s/{ns}/{name}/commit/{rev}): NDJSON, one
// {"key": ..., "value": {...}} object per line, the header first. Both clients' styles are
// accepted: compact or spaced JSON, with or without a final newline, blank lines ignored.
//
//   {"key":"header","value":{"summary":"deploy","description":"","parentCommit":"<40-hex>"}}
//   {"key":"file","value":{"path":"Dockerfile","content":"RlJPTS…","encoding":"base64"}}
//   {"key":"deletedFile","value":{"path":"old.txt"}}
//   {"key":"deletedFolder","value":{"path":"static/"}}
//
// `lfsFile` lines are refused as the Hub refuses a pointer to an object it does not have: the
// emulator stores no LFS objects (its preupload answers "regular" for every file).
#pragma once

#include <string_view>

#include "emulators/hub/hub_state.h"

namespace spaceport::hub_emulator {

OrError<CommitDraft> ParseCommitBody(std::string_view body);

}  // namespace spaceport::hub_emulator
