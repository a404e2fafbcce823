// Feeds: arbitrary bytes to base/json's Json::Parse, the parser under every JSON answer we read
// (registry manifests and configs, Hub and GitHub answers, watch events, state files).
// Checks beyond "no crash": a parsed document round-trips — Parse(Dump(doc)) succeeds and equals
// doc, and Dump is a fixed point (dumping the re-parsed value gives the same text), both compact
// and indented.
#include "base/json.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using spaceport::Json;
  spaceport::Result<Json> doc = Json::Parse(FuzzText(data, size));
  if (!doc.ok()) return 0;
  for (int indent : {0, 2}) {
    const std::string text = doc->Dump(indent);
    spaceport::Result<Json> again = Json::Parse(text);
    FUZZ_CHECK(again.ok(), "Dump() output parses");
    FUZZ_CHECK(*again == *doc, "Parse(Dump(doc)) == doc");
    FUZZ_CHECK(again->Dump(indent) == text, "Dump is a fixed point");
  }
  return 0;
}
