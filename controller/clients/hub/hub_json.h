// Reading the Hub's JSON answers into hub_types.h values, and writing the JSON it expects.
//
// Parsing is lenient by design (hf-hub-api.md §6.1): a missing field, a null where a string was
// expected, or a field of an unexpected type leaves the value empty instead of failing, and
// unknown fields are kept in `raw`. Only an answer that is not JSON at all, or not an object
// where one is required, is an error (kInvalidArgument).
//
//   auto runtime = hub::ParseSpaceRuntime(R"({"stage":"SLEEPING","hardware":null})");
//   runtime->stage == "SLEEPING";  !runtime->hardware_current;
#pragma once

#include <string_view>

#include "base/json.h"
#include "base/status.h"
#include "clients/hub/hub_types.h"

namespace spaceport::hub {

Result<Identity> ParseIdentity(std::string_view body);
SpaceRuntime SpaceRuntimeFromJson(const Json& object);
Result<SpaceRuntime> ParseSpaceRuntime(std::string_view body);
SpaceInfo SpaceInfoFromJson(Json object);
Result<SpaceInfo> ParseSpaceInfo(std::string_view body);
// GET /api/spaces: a JSON array of Space info objects.
Result<std::vector<SpaceInfo>> ParseSpaceList(std::string_view body);
Result<SpaceVariables> ParseSpaceVariables(std::string_view body);
Result<SpaceSecrets> ParseSpaceSecrets(std::string_view body);

// One preupload verdict (POST .../preupload/{rev}).
struct PreuploadVerdict {
  std::string path;
  std::string upload_mode;  // "regular" or "lfs"
  bool should_ignore = false;
  std::string remote_oid;   // git blob sha1 of the file already there, "" when none
};
struct PreuploadAnswer {
  std::vector<PreuploadVerdict> files;
  std::string commit_oid;  // the branch head
};
Result<PreuploadAnswer> ParsePreupload(std::string_view body);

}  // namespace spaceport::hub
