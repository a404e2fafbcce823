#include "act/wrapper_publisher.h"

#include "act/wrapper_derive.h"
#include "base/digest.h"
#include "clients/oci/reference.h"
#include "clients/oci/scope.h"
#include "resolve/wrapper.h"

namespace spaceport::act {
namespace {

// Splits "host/path" and checks it lives on the client's registry.
Result<oci::Reference> RepositoryOn(const oci::RegistryClient& client, const std::string& repo) {
  auto ref = oci::Reference::Parse(repo);
  if (!ref.ok()) return ref.status();
  if (!ref->tag.empty() || !ref->digest.empty())
    return InvalidArgument("\"" + repo + "\" names a tag or digest; expected a repository");
  if (ref->registry != client.config().host)
    return InvalidArgument("\"" + repo + "\" is not on registry " + client.config().host);
  return ref;
}

// A derivation error names the base it was derived from: the pure edits do not know it.
Status InContext(const Status& s, const std::string& base_name, const oci::Platform& platform) {
  return Status(s.code(), "derive the wrapper of " + base_name + " for " + platform.ToString() +
                              ": " + s.message());
}

}  // namespace

Result<PublishedWrapper> PublishWrapper(oci::RegistryClient& client, const WrapperPublication& p) {
  const int64_t start = client.requests_sent_by_this_thread();
  auto src = RepositoryOn(client, p.repository);
  if (!src.ok()) return src.status();
  auto dst = RepositoryOn(client, p.target_repository.empty() ? p.repository : p.target_repository);
  if (!dst.ok()) return dst.status();
  auto platform = oci::Platform::Parse(p.platform);
  if (!platform.ok()) return platform.status();
  const std::string tag = resolve::WrapperTag(p.platform, p.version);

  // One token for every step: pull on the base, pull+push on the target.
  client.ExpectAccess(oci::ScopeSet{oci::Scope::Pull(src->repository), oci::Scope::Push(dst->repository)});

  auto base = client.ResolveImage(src->repository, p.version, *platform);
  if (!base.ok()) return base.status();
  if (!p.expected_base_digest.empty() && base->image.digest != p.expected_base_digest) {
    return Status(StatusCode::kConflict,
                  src->Name() + ":" + p.version + " (" + p.platform + ") moved since it was observed, from " +
                      p.expected_base_digest + " to " + base->image.digest +
                      "; nothing was pushed, the next pass plans for the new base");
  }
  auto config_descriptor = base->image.Config();
  if (!config_descriptor.ok()) return config_descriptor.status();
  auto base_config = client.GetBlob(src->repository, config_descriptor->digest, config_descriptor->size);
  if (!base_config.ok()) return base_config.status();

  PublishedWrapper out;
  out.reference = dst->Name() + ":" + tag;
  out.base_digest = base->image.digest;
  const WrapperInputs inputs{p.spec, src->Name() + ":" + p.version, out.base_digest};
  auto config = DeriveWrapperConfig(*base_config, inputs);
  if (!config.ok()) return InContext(config.status(), inputs.base_name, *platform);
  const std::string config_digest = "sha256:" + Sha256Hex(*config);
  auto manifest = DeriveWrapperManifest(base->image.bytes, base->image.media_type, config_digest,
                                        config->size(), inputs);
  if (!manifest.ok()) return InContext(manifest.status(), inputs.base_name, *platform);
  out.digest = "sha256:" + Sha256Hex(*manifest);

  // Skip when the tag already holds exactly this manifest.
  auto existing = client.HeadManifest(dst->repository, tag);
  if (existing.ok() && existing->digest == out.digest) {
    out.skipped = true;
    out.requests = client.requests_sent_by_this_thread() - start;
    return out;
  }
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) return existing.status();

  if (dst->repository != src->repository) {
    auto layers = base->image.Layers();
    if (!layers.ok()) return layers.status();
    for (const oci::Descriptor& layer : *layers) {
      auto present = client.StatBlob(dst->repository, layer.digest);
      if (!present.ok()) return present.status();
      if (present->has_value()) continue;
      auto mounted = client.MountBlob(dst->repository, layer.digest, src->repository);
      if (!mounted.ok()) return mounted.status();
      if (!mounted->mounted)
        return FailedPrecondition("registry " + client.config().host + " refused to mount layer " +
                                  layer.digest + " from " + src->repository + " into " +
                                  dst->repository + "; copying layers is not supported");
    }
  }

  // The config is a few KB: uploading it again when present costs less than asking first.
  auto pushed = client.PushBlob(dst->repository, *config, config_descriptor->media_type);
  if (!pushed.ok()) return pushed.status();
  auto put = client.PutManifest(dst->repository, tag, *manifest, base->image.media_type);
  if (!put.ok()) return put.status();
  out.requests = client.requests_sent_by_this_thread() - start;
  return out;
}

}  // namespace spaceport::act
