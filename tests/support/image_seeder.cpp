#include "support/image_seeder.h"

#include <zlib.h>

#include <cstring>

#include "base/digest.h"
#include "base/json.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace spaceport::support {
namespace {

constexpr std::string_view kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr std::string_view kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr std::string_view kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr int64_t kMtime = 1767225600;  // 2026-01-01T00:00:00Z: fixed, so layers are reproducible

// One ustar header block.
std::string TarHeader(const std::string& name, char type, int mode, size_t size) {
  std::string h(512, '\0');
  auto put = [&](size_t offset, size_t width, const std::string& value) {
    std::memcpy(h.data() + offset, value.data(), std::min(width, value.size()));
  };
  auto octal = [](uint64_t v, size_t width) {
    std::string digits(width - 1, '0');
    for (size_t i = width - 1; i > 0 && v > 0; --i, v >>= 3)
      digits[i - 1] = static_cast<char>('0' + (v & 7));
    return digits;  // NUL terminator comes from the zeroed block
  };
  put(0, 100, name);
  put(100, 8, octal(static_cast<uint64_t>(mode), 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(static_cast<uint64_t>(kMtime), 12));
  put(148, 8, std::string(8, ' '));
  h[156] = type;
  put(257, 6, std::string("ustar\0", 6));
  put(263, 2, "00");
  put(265, 32, "root");
  put(297, 32, "root");
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::string checksum = octal(sum, 7);
  put(148, 7, checksum);  // six digits, then NUL and the space already there
  h[154] = '\0';
  return h;
}

void AppendFile(std::string& tar, const std::string& name, const std::string& content) {
  tar += TarHeader(name, '0', 0644, content.size());
  tar += content;
  tar.append((512 - content.size() % 512) % 512, '\0');
}

std::string PseudoRandomBytes(size_t n, uint64_t seed) {
  std::string out(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(out.data() + i, &x, std::min<size_t>(8, n - i));
  }
  return out;
}

Result<std::string> Gzip(const std::string& data) {
  z_stream zs{};
  // Large layers are random and incompressible: store them instead of burning seconds on deflate.
  int level = data.size() > 8 * 1024 * 1024 ? Z_NO_COMPRESSION : Z_BEST_SPEED;
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return Internal("deflateInit2");
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("deflate did not finish");
  return out;
}

std::string Digest(const std::string& bytes) { return "sha256:" + Sha256Hex(bytes); }

Json Descriptor(std::string_view media_type, const std::string& bytes) {
  Json d = Json::Object();
  d.Set("mediaType", Json(media_type));
  d.Set("digest", Json(Digest(bytes)));
  d.Set("size", Json(static_cast<int64_t>(bytes.size())));
  return d;
}

Json StringArray(const std::vector<std::string>& items) {
  Json a = Json::Array();
  for (const std::string& s : items) a.Push(Json(s));
  return a;
}

class Layout {
 public:
  explicit Layout(std::filesystem::path dir) : dir_(std::move(dir)) {}
  bool Add(const std::string& bytes) {
    return WriteFile(dir_ / "blobs" / "sha256" / Sha256Hex(bytes), bytes);
  }
  bool Finish(std::string_view media_type, const std::string& top) {
    Json entry = Descriptor(media_type, top);
    Json annotations = Json::Object();
    annotations.Set("org.opencontainers.image.ref.name", Json("img"));
    entry.Set("annotations", std::move(annotations));
    Json index = Json::Object();
    index.Set("schemaVersion", Json(2));
    Json manifests = Json::Array();
    manifests.Push(std::move(entry));
    index.Set("manifests", std::move(manifests));
    return WriteFile(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})") &&
           WriteFile(dir_ / "index.json", index.Dump());
  }

 private:
  std::filesystem::path dir_;
};

std::string Credentials(const RegistryProcess& registry) {
  return registry.options().username + ":" + registry.options().password;
}

}  // namespace

std::vector<std::string> SkopeoCreds(const RegistryProcess& registry, const std::string& flag) {
  if (registry.options().auth == RegistryAuth::kNone) return {};
  return {flag, Credentials(registry)};
}

Result<SeededImage> ImageSeeder::Push(const RegistryProcess& registry,
                                      const std::string& repository, const std::string& tag,
                                      const ImageSpec& spec) {
  if (Status s = RequireExecutable("skopeo"); !s.ok()) return s;
  if (spec.architectures.empty()) return InvalidArgument("no architectures");
  std::filesystem::path dir = work_dir_ / ("layout-" + std::to_string(++layouts_));
  Layout layout(dir);
  SeededImage out;

  // The layer: app/, app/hello.txt, app/blob.bin (layer_bytes of seeded noise).
  std::string tar = TarHeader("app/", '5', 0755, 0);
  AppendFile(tar, "app/hello.txt", "hello from seed " + std::to_string(spec.seed) + "\n");
  AppendFile(tar, "app/blob.bin", PseudoRandomBytes(spec.layer_bytes, spec.seed));
  tar.append(1024, '\0');
  std::string diff_id = Digest(tar);
  auto layer = Gzip(tar);
  if (!layer.ok()) return layer.status();
  tar.clear();
  tar.shrink_to_fit();
  if (!layout.Add(*layer)) return Internal("cannot write layer");
  out.layer_digest = Digest(*layer);
  out.layer_size = static_cast<int64_t>(layer->size());

  Json manifests = Json::Array();
  std::string top;
  std::string top_type;
  std::string first_image_digest;
  for (const std::string& arch : spec.architectures) {
    Json cfg = Json::Object();
    Json labels = Json::Object();
    for (const auto& [k, v] : spec.labels) labels.Set(k, Json(v));
    Json inner = Json::Object();
    inner.Set("Env", StringArray(spec.env));
    if (!spec.exposed_ports.empty()) {
      Json ports = Json::Object();
      for (const std::string& p : spec.exposed_ports) ports.Set(p, Json::Object());
      inner.Set("ExposedPorts", std::move(ports));
    }
    inner.Set("Cmd", StringArray(spec.cmd));
    inner.Set("WorkingDir", Json(spec.working_dir));
    inner.Set("Labels", std::move(labels));
    Json rootfs = Json::Object();
    rootfs.Set("type", Json("layers"));
    rootfs.Set("diff_ids", StringArray({diff_id}));
    Json step = Json::Object();
    step.Set("created", Json(spec.created));
    step.Set("created_by", Json("spaceport test seeder: layer"));
    Json history = Json::Array();
    history.Push(std::move(step));
    cfg.Set("created", Json(spec.created));
    cfg.Set("architecture", Json(arch));
    cfg.Set("os", Json("linux"));
    cfg.Set("config", std::move(inner));
    cfg.Set("rootfs", std::move(rootfs));
    cfg.Set("history", std::move(history));
    std::string config = cfg.Dump();

    Json m = Json::Object();
    m.Set("schemaVersion", Json(2));
    if (!spec.omit_manifest_media_type) m.Set("mediaType", Json(kOciManifest));
    m.Set("config", Descriptor(kOciConfig, config));
    Json layers = Json::Array();
    layers.Push(Descriptor(kOciLayerGzip, *layer));
    m.Set("layers", std::move(layers));
    std::string manifest = m.Dump();
    if (!layout.Add(config) || !layout.Add(manifest)) return Internal("cannot write blobs");
    if (first_image_digest.empty()) first_image_digest = Digest(manifest);

    Json entry = Descriptor(kOciManifest, manifest);
    Json platform = Json::Object();
    platform.Set("architecture", Json(arch));
    platform.Set("os", Json("linux"));
    entry.Set("platform", std::move(platform));
    manifests.Push(std::move(entry));
    top = manifest;
    top_type = std::string(kOciManifest);
  }

  bool as_index = spec.index || spec.architectures.size() > 1 || spec.with_attestation;
  if (as_index) {
    Json entries = Json::Array();
    if (spec.with_attestation) {
      // What buildx pushes next to each image: an in-toto statement under platform unknown/unknown.
      std::string statement =
          R"({"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[]})";
      std::string att_config =
          R"({"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[")" +
          Digest(statement) + R"("]}})";
      Json m = Json::Object();
      m.Set("schemaVersion", Json(2));
      m.Set("mediaType", Json(kOciManifest));
      m.Set("config", Descriptor(kOciConfig, att_config));
      Json layers = Json::Array();
      layers.Push(Descriptor("application/vnd.in-toto+json", statement));
      m.Set("layers", std::move(layers));
      std::string att = m.Dump();
      if (!layout.Add(statement) || !layout.Add(att_config) || !layout.Add(att))
        return Internal("cannot write blobs");
      Json entry = Descriptor(kOciManifest, att);
      Json platform = Json::Object();
      platform.Set("architecture", Json("unknown"));
      platform.Set("os", Json("unknown"));
      entry.Set("platform", std::move(platform));
      Json annotations = Json::Object();
      annotations.Set("vnd.docker.reference.digest", Json(first_image_digest));
      annotations.Set("vnd.docker.reference.type", Json("attestation-manifest"));
      entry.Set("annotations", std::move(annotations));
      entries.Push(std::move(entry));
    }
    for (size_t i = 0; i < manifests.size(); ++i) entries.Push(manifests.At(i));
    Json index = Json::Object();
    index.Set("schemaVersion", Json(2));
    index.Set("mediaType", Json(kOciIndex));
    index.Set("manifests", std::move(entries));
    top = index.Dump();
    top_type = std::string(kOciIndex);
    if (!layout.Add(top)) return Internal("cannot write index");
  }
  if (!layout.Finish(top_type, top)) return Internal("cannot write the layout");

  std::string target = registry.host() + "/" + repository + ":" + tag;
  std::filesystem::path digest_file = dir / "pushed.digest";
  std::vector<std::string> copy = {
      "skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--digestfile", digest_file.string()};
  if (as_index) copy.push_back("--all");
  if (spec.format == ImageFormat::kDocker) {
    copy.push_back("--format");
    copy.push_back("v2s2");
  }
  for (const std::string& a : SkopeoCreds(registry, "--dest-creds")) copy.push_back(a);
  copy.push_back("oci:" + dir.string() + ":img");
  copy.push_back("docker://" + target);
  CommandResult pushed = RunCommand(copy);
  if (pushed.exit_code != 0)
    return Internal("skopeo copy to " + target + " failed:\n" + pushed.output);
  out.reference = target;
  out.digest = ReadFile(digest_file);
  while (!out.digest.empty() && (out.digest.back() == '\n' || out.digest.back() == ' '))
    out.digest.pop_back();

  // Read back what the registry holds: skopeo may have converted it (v2s2).
  std::vector<std::string> inspect = {"skopeo", "inspect", "--raw", "--tls-verify=false"};
  for (const std::string& a : SkopeoCreds(registry, "--creds")) inspect.push_back(a);
  inspect.push_back("docker://" + target);
  CommandResult raw = RunCommand(inspect);
  if (raw.exit_code != 0) return Internal("skopeo inspect " + target + " failed:\n" + raw.output);
  if (Digest(raw.output) != out.digest)
    return Internal("skopeo inspect --raw of " + target + " does not match the pushed digest");
  auto doc = Json::Parse(raw.output);
  if (!doc.ok()) return Internal("skopeo inspect --raw gave non-JSON: " + doc.status().message());
  out.media_type = doc->GetString("mediaType", top_type);
  if (const Json* list = doc->Find("manifests"); list != nullptr && list->is_array()) {
    for (size_t i = 0; i < list->size(); ++i) {
      const Json* p = list->At(i).Find("platform");
      std::string arch = p != nullptr ? p->GetString("architecture") : "";
      if (arch.empty() || arch == "unknown") continue;
      out.platform_digests[arch] = list->At(i).GetString("digest");
    }
  } else {
    out.platform_digests[spec.architectures.front()] = out.digest;
  }
  return out;
}

}  // namespace spaceport::support
