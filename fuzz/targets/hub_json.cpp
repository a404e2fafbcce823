// Feeds: arbitrary bytes as a Hugging Face Hub JSON answer to every parser in
// clients/hub/hub_json.h (whoami, runtime, Space info, Space list, variables, secrets, preupload)
// and to the object readers SpaceRuntimeFromJson / SpaceInfoFromJson.
// Checks beyond "no crash": each parser is deterministic (same verdict twice), and an input that
// is not JSON is refused by every Result-returning parser (none invents an answer).
#include <string>

#include "base/json.h"
#include "clients/hub/hub_json.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::hub;
  const std::string_view body = FuzzText(data, size);
  const bool is_json = spaceport::Json::Parse(body).ok();
  const bool verdicts[] = {
      ParseIdentity(body).ok(),       ParseSpaceRuntime(body).ok(), ParseSpaceInfo(body).ok(),
      ParseSpaceList(body).ok(),      ParseSpaceVariables(body).ok(),
      ParseSpaceSecrets(body).ok(),   ParsePreupload(body).ok(),
  };
  const bool again[] = {
      ParseIdentity(body).ok(),       ParseSpaceRuntime(body).ok(), ParseSpaceInfo(body).ok(),
      ParseSpaceList(body).ok(),      ParseSpaceVariables(body).ok(),
      ParseSpaceSecrets(body).ok(),   ParsePreupload(body).ok(),
  };
  for (size_t i = 0; i < std::size(verdicts); ++i) {
    FUZZ_CHECK(verdicts[i] == again[i], "deterministic");
    if (!is_json) FUZZ_CHECK(!verdicts[i], "non-JSON is refused");
  }
  if (spaceport::Result<spaceport::Json> doc = spaceport::Json::Parse(body); doc.ok()) {
    (void)SpaceRuntimeFromJson(*doc);
    (void)SpaceInfoFromJson(*doc);
  }
  return 0;
}
