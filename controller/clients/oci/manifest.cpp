#include "clients/oci/manifest.h"

#include "base/digest.h"
#include "clients/oci/media_types.h"
#include "clients/oci/reference.h"
#include "clients/oci/text.h"

namespace spaceport::oci {
namespace {

Result<std::vector<Descriptor>> DescriptorList(const Json& doc, std::string_view key) {
  const Json* list = doc.Find(key);
  if (list == nullptr) return std::vector<Descriptor>();
  if (!list->is_array())
    return InvalidArgument("manifest: `" + std::string(key) + "` is not an array");
  std::vector<Descriptor> out;
  for (size_t i = 0; i < list->size(); ++i) {
    auto d = ParseDescriptor(list->At(i));
    if (!d.ok()) {
      return InvalidArgument("manifest: " + std::string(key) + "[" + std::to_string(i) +
                             "]: " + d.status().message());
    }
    out.push_back(std::move(*d));
  }
  return out;
}

bool VariantMatches(const Platform& have, const Platform& want) {
  if (want.variant.empty()) return true;
  if (have.variant == want.variant) return true;
  // arm64 images rarely state v8, and v8 is the only arm64 variant in use.
  return want.architecture == "arm64" && have.variant.empty() && want.variant == "v8";
}

}  // namespace

Result<Platform> Platform::Parse(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (const std::string& p : parts) {
    if (p.empty())
      return InvalidArgument("platform \"" + std::string(text) + "\": empty component");
  }
  Platform p;
  if (parts.size() == 1) {
    p.architecture = parts[0];
  } else if (parts.size() == 2 || parts.size() == 3) {
    p.os = parts[0];
    p.architecture = parts[1];
    if (parts.size() == 3) p.variant = parts[2];
  } else {
    return InvalidArgument("platform \"" + std::string(text) +
                           "\": expected [os/]architecture[/variant]");
  }
  return p;
}

std::string Platform::ToString() const {
  std::string out = os + "/" + architecture;
  if (!variant.empty()) out += "/" + variant;
  return out;
}

std::string Descriptor::Annotation(std::string_view key) const {
  for (const auto& [k, v] : annotations) {
    if (k == key) return v;
  }
  return "";
}

Result<Descriptor> ParseDescriptor(const Json& object) {
  if (!object.is_object()) return InvalidArgument("descriptor is not an object");
  Descriptor d;
  d.media_type = object.GetString("mediaType");
  d.digest = object.GetString("digest");
  if (!IsValidDigest(d.digest))
    return InvalidArgument("descriptor has an invalid digest \"" + d.digest + "\"");
  const Json* size = object.Find("size");
  if (size == nullptr || !size->AsInt() || *size->AsInt() < 0) {
    return InvalidArgument("descriptor " + d.digest + " has no valid size");
  }
  d.size = *size->AsInt();
  if (const Json* p = object.Find("platform"); p != nullptr && p->is_object()) {
    Platform platform;
    platform.os = p->GetString("os");
    platform.architecture = p->GetString("architecture");
    platform.variant = p->GetString("variant");
    d.platform = platform;
  }
  if (const Json* a = object.Find("annotations"); a != nullptr && a->is_object()) {
    for (const auto& [k, v] : a->Members()) {
      if (v.is_string()) d.annotations.emplace_back(k, v.AsString());
    }
  }
  return d;
}

bool Manifest::IsIndex() const { return IsIndexMediaType(media_type); }

Result<Descriptor> Manifest::Config() const {
  if (IsIndex()) return InvalidArgument("manifest " + digest + " is an index and has no config");
  const Json* config = doc.Find("config");
  if (config == nullptr) return InvalidArgument("manifest " + digest + " has no config descriptor");
  auto d = ParseDescriptor(*config);
  if (!d.ok()) return InvalidArgument("manifest " + digest + ": config: " + d.status().message());
  return d;
}

Result<std::vector<Descriptor>> Manifest::Layers() const {
  if (IsIndex()) return InvalidArgument("manifest " + digest + " is an index and has no layers");
  return DescriptorList(doc, "layers");
}

Result<std::vector<Descriptor>> Manifest::Children() const {
  if (!IsIndex()) return InvalidArgument("manifest " + digest + " is not an index");
  return DescriptorList(doc, "manifests");
}

Result<Manifest> ParseManifest(std::string bytes, std::string_view content_type) {
  Manifest m;
  m.digest = "sha256:" + Sha256Hex(bytes);
  auto doc = Json::Parse(bytes, 64);
  if (!doc.ok())
    return InvalidArgument("manifest " + m.digest +
                           " is not valid JSON: " + doc.status().message());
  if (!doc->is_object()) return InvalidArgument("manifest " + m.digest + " is not a JSON object");
  const std::string body_type = doc->GetString("mediaType");
  const std::string header_type = text::MediaTypeOnly(content_type);
  if (IsSchema1MediaType(body_type) || IsSchema1MediaType(header_type) ||
      (doc->Find("schemaVersion") && doc->Find("schemaVersion")->AsInt() == 1)) {
    return Status(StatusCode::kUnimplemented,
                  "manifest " + m.digest +
                      " is Docker schema 1, which is not supported; push it as schema 2 or OCI");
  }
  const auto is_manifest_type = [](std::string_view t) {
    return IsIndexMediaType(t) || IsImageManifestMediaType(t);
  };
  // The registry's Content-Type and the document's mediaType must not disagree: which one is
  // believed decides what the bytes mean (a generic type such as application/json says nothing).
  if (!body_type.empty() && is_manifest_type(header_type) && body_type != header_type) {
    return InvalidArgument("manifest " + m.digest + " was served as \"" + header_type +
                           "\" but says it is \"" + body_type + "\"; refusing a contradiction");
  }
  // A document that is both an index and an image is read differently by different clients
  // (CVE-2021-41190); the image spec now forbids it.
  const bool has_children = doc->Find("manifests") != nullptr;
  const bool has_image_parts = doc->Find("config") != nullptr || doc->Find("layers") != nullptr;
  if (has_children && has_image_parts) {
    return InvalidArgument("manifest " + m.digest +
                           " has both `manifests` and `config`/`layers`; an ambiguous document "
                           "is refused");
  }
  m.media_type = body_type.empty() ? header_type : body_type;
  if (!is_manifest_type(m.media_type)) {
    // Neither the document nor the registry says what it is: guessing from its shape would let a
    // wrong or missing Content-Type decide.
    return InvalidArgument("manifest " + m.digest + " has no manifest media type: " +
                           (body_type.empty() ? std::string("no mediaType in the document")
                                              : "mediaType \"" + body_type + "\"") +
                           " and " +
                           (header_type.empty() ? std::string("no Content-Type")
                                                : "Content-Type \"" + header_type + "\""));
  }
  if (IsIndexMediaType(m.media_type) && !has_children) {
    return InvalidArgument("manifest " + m.digest + " is typed \"" + m.media_type +
                           "\" but lists no `manifests`");
  }
  m.doc = std::move(*doc);
  m.bytes = std::move(bytes);
  if (!m.IsIndex()) {
    if (auto c = m.Config(); !c.ok()) return c.status();
    if (auto l = m.Layers(); !l.ok()) return l.status();
  } else if (auto c = m.Children(); !c.ok()) {
    return c.status();
  }
  return m;
}

bool IsAttestation(const Descriptor& d) {
  if (d.Annotation("vnd.docker.reference.type") == "attestation-manifest") return true;
  return d.platform && d.platform->os == "unknown" && d.platform->architecture == "unknown";
}

Result<Descriptor> SelectPlatform(const std::vector<Descriptor>& children, const Platform& want) {
  std::string offered;
  for (const Descriptor& d : children) {
    if (IsAttestation(d)) continue;
    Platform have = d.platform.value_or(Platform{"linux", "amd64", ""});
    if (!offered.empty()) offered += ", ";
    offered += have.ToString();
    if (have.os == want.os && have.architecture == want.architecture && VariantMatches(have, want))
      return d;
  }
  return NotFound("no manifest for platform " + want.ToString() + " in the index (it offers: " +
                  (offered.empty() ? std::string("nothing") : offered) + ")");
}

}  // namespace spaceport::oci
