// Feeds: arbitrary bytes to spec/semver — first as a range (SemverRange::Parse), then split at
// the first newline into a range and a version (ParseVersion), and Matches on the two.
// Checks beyond "no crash": CompareVersions is reflexive and antisymmetric on parsed versions,
// a parsed range keeps its text, and an exact range "=V" built from a parsed version matches it.
#include <string>

#include "spec/semver.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::spec;
  const std::string_view text = FuzzText(data, size);
  (void)SemverRange::Parse(text);
  const size_t nl = text.find('\n');
  const std::string_view range_text = text.substr(0, nl);
  const std::string_view version_text = nl == std::string_view::npos ? text : text.substr(nl + 1);

  std::optional<Version> v = ParseVersion(version_text);
  std::optional<Version> w = ParseVersion(range_text);
  if (v) FUZZ_CHECK(CompareVersions(*v, *v) == 0, "reflexive");
  if (v && w) {
    const int vw = CompareVersions(*v, *w), wv = CompareVersions(*w, *v);
    FUZZ_CHECK((vw < 0) == (wv > 0) && (vw == 0) == (wv == 0), "antisymmetric");
  }
  spaceport::Result<SemverRange> range = SemverRange::Parse(range_text);
  if (range.ok()) {
    if (v) (void)range->Matches(*v);
    if (w) (void)range->Matches(*w);
  }
  if (v && v->prerelease.empty() && version_text.find_first_of(" \t") == std::string_view::npos) {
    std::string exact = "=" + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
                        std::to_string(v->patch);
    spaceport::Result<SemverRange> eq = SemverRange::Parse(exact);
    FUZZ_CHECK(eq.ok(), "an exact range of a parsed version parses");
    FUZZ_CHECK(eq->Matches(*v), "=V matches V");
  }
  return 0;
}
