// Feeds: arbitrary bytes as a registry manifest/index/config answer to oci::ParseManifest (the
// first input byte picks the response Content-Type, the rest is the body), then every reader on
// the result: Config, Layers, Children, ParseDescriptor, IsAttestation and SelectPlatform for a
// few platforms; also oci::Platform::Parse on the body as text.
// Checks beyond "no crash": a parsed manifest keeps the exact bytes, its digest is
// "sha256:" + 64 hex digits computed over them (parsing twice gives the same digest), its media
// type is never empty, and a selected child is one of the index's children.
#include <string>

#include "clients/oci/manifest.h"
#include "support/fuzz_check.h"

namespace {
constexpr std::string_view kTypes[] = {
    "",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/json; charset=utf-8",
    "text/plain",
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::oci;
  if (size == 0) return 0;
  const std::string_view content_type = kTypes[data[0] % std::size(kTypes)];
  const std::string body(FuzzText(data + 1, size - 1));
  (void)Platform::Parse(body);

  spaceport::Result<Manifest> m = ParseManifest(body, content_type);
  if (!m.ok()) return 0;
  FUZZ_CHECK(m->bytes == body, "bytes kept exactly");
  FUZZ_CHECK(!m->media_type.empty(), "media type never empty");
  FUZZ_CHECK(m->digest.size() == 71 && m->digest.rfind("sha256:", 0) == 0, "sha256 digest");
  FUZZ_CHECK(m->digest.find_first_not_of("0123456789abcdef", 7) == std::string::npos, "lower hex");
  spaceport::Result<Manifest> again = ParseManifest(body, content_type);
  FUZZ_CHECK(again.ok() && again->digest == m->digest, "digest is deterministic");

  (void)m->Config();
  (void)m->Layers();
  spaceport::Result<std::vector<Descriptor>> children = m->Children();
  if (m->doc.is_object())
    for (const auto& [key, value] : m->doc.Members())
      if (value.is_object()) (void)ParseDescriptor(value);
  if (!children.ok()) return 0;
  for (const Descriptor& d : *children) {
    (void)IsAttestation(d);
    (void)d.Annotation("org.opencontainers.image.ref.name");
    if (d.platform) (void)d.platform->ToString();
  }
  for (std::string_view p : {"linux/amd64", "linux/arm64", "linux/arm/v7"}) {
    spaceport::Result<Platform> want = Platform::Parse(p);
    FUZZ_CHECK(want.ok(), "fixed platform parses");
    spaceport::Result<Descriptor> pick = SelectPlatform(*children, *want);
    if (!pick.ok()) continue;
    bool found = false;
    for (const Descriptor& d : *children) found = found || (d.digest == pick->digest && d.size == pick->size);
    FUZZ_CHECK(found, "selected child is one of the children");
  }
  return 0;
}
