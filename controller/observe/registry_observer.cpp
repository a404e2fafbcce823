#include "observe/registry_observer.h"

#include <map>
#include <set>

#include "clients/oci/manifest.h"
#include "clients/oci/reference.h"
#include "clients/oci/registry_error.h"
#include "resolve/observation_index.h"
#include "resolve/resolve_version.h"
#include "resolve/wrapper.h"

namespace spaceport::observe {
namespace {

// What one repository must be observed for: which versions, which wrapper platforms, whether
// the tag list is needed.
struct Interest {
  bool list_tags = false;
  std::set<std::string> exact_versions;
  std::vector<const spec::SpaceDeployment*> policy_deployments;
  std::set<std::string> platforms;
};

std::string PlatformName(const oci::Platform& p) {
  return p.variant.empty() ? p.architecture : p.architecture + "/" + p.variant;
}

// Manifest → TagInfo: digest, media type, and for an index one entry per runnable platform.
TagInfo TagFromManifest(const oci::Manifest& m) {
  TagInfo tag;
  tag.digest = m.digest;
  tag.media_type = m.media_type;
  if (!m.IsIndex()) return tag;
  auto children = m.Children();
  if (!children.ok()) return tag;
  for (const oci::Descriptor& child : *children) {
    if (oci::IsAttestation(child)) continue;
    PlatformImage p;
    p.platform = child.platform ? PlatformName(*child.platform) : "amd64";
    if (child.platform && child.platform->os != "linux") continue;
    p.digest = child.digest;
    tag.platforms.push_back(std::move(p));
  }
  return tag;
}

// One repository's registry and caches, as ObserveRepository reads it.
struct RepositoryReader {
  oci::RegistryClient& client;
  const RegistryCaches& caches;
  const std::string& full_name;  // ghcr.io/acme/app: the tag cache's key
  const std::string& repo;       // acme/app: the client's
};

// The digest a tag names now, when the cache already knows that digest's content under `suffix`;
// nullopt when the tag must be read in full. A missing tag reads as kNotFound.
Result<std::optional<TagInfo>> CachedTag(const RepositoryReader& r, const std::string& tag_name,
                                         const std::string& suffix) {
  if (r.caches.manifests == nullptr) return std::optional<TagInfo>();
  auto head_now = [&] { return r.client.HeadManifest(r.repo, tag_name); };
  auto head = r.caches.tags != nullptr
                  ? r.caches.tags->Resolve(r.full_name, tag_name, head_now, r.caches.tags_younger_than)
                  : head_now();
  if (!head.ok()) return head.status();
  return r.caches.manifests->Find(head->digest + suffix);
}

// The config facts of a wrapper image (single platform).
Status ReadWrapper(const RepositoryReader& r, const std::string& platform, const std::string& tag_name,
                   Repository& out) {
  oci::RegistryClient& client = r.client;
  const std::string& repo = r.repo;
  auto cached = CachedTag(r, tag_name, "|" + platform);
  if (!cached.ok()) {
    if (cached.status().code() == StatusCode::kNotFound) return Status::Ok();  // not published
    return cached.status();
  }
  if (*cached) {
    out.tags[tag_name] = std::move(**cached);
    return Status::Ok();
  }
  auto manifest = client.GetManifest(repo, tag_name);
  if (!manifest.ok()) {
    if (manifest.status().code() == StatusCode::kNotFound) return Status::Ok();  // not published
    return manifest.status();
  }
  TagInfo tag;
  tag.digest = manifest->digest;
  tag.media_type = manifest->media_type;
  PlatformImage image;
  image.platform = platform;
  image.digest = manifest->digest;
  if (!manifest->IsIndex()) {
    auto config_descriptor = manifest->Config();
    if (!config_descriptor.ok()) return config_descriptor.status();
    auto blob = client.GetBlob(repo, config_descriptor->digest, config_descriptor->size);
    if (!blob.ok()) return blob.status();
    auto config = Json::Parse(*blob);
    if (!config.ok()) return {StatusCode::kDataLoss, "wrapper config is not JSON: " + config.status().message()};
    if (const Json* c = config->Find("config"); c != nullptr && c->is_object()) {
      if (const Json* env = c->Find("Env"); env != nullptr && env->is_array())
        for (size_t i = 0; i < env->size(); ++i)
          if (env->At(i).is_string()) image.env.push_back(env->At(i).AsString());
      if (const Json* ports = c->Find("ExposedPorts"); ports != nullptr && ports->is_object())
        for (const auto& [port, unused] : ports->Members()) image.exposed_ports.push_back(port);
      if (const Json* labels = c->Find("Labels"); labels != nullptr && labels->is_object())
        for (const auto& [k, v] : labels->Members())
          if (v.is_string()) image.labels[k] = v.AsString();
    }
  }
  tag.platforms.push_back(std::move(image));
  if (r.caches.manifests != nullptr) r.caches.manifests->Store(tag.digest + "|" + platform, tag);
  out.tags[tag_name] = std::move(tag);
  return Status::Ok();
}

// Observes one repository; on error nothing of it enters the observation.
Status ObserveRepository(const RepositoryReader& r, const Interest& interest, Observation& observation) {
  oci::RegistryClient& client = r.client;
  const std::string& full_name = r.full_name;
  const std::string& repo = r.repo;
  Repository result;
  if (interest.list_tags) {
    auto tags = client.ListTags(repo);
    if (!tags.ok() && tags.status().code() != StatusCode::kNotFound) return tags.status();
    if (tags.ok())
      for (const std::string& t : *tags) result.tags[t];  // listed; details only where needed
  }

  // Versions to resolve: exact ones, and what the planner's own policy picks among the tags.
  std::set<std::string> versions = interest.exact_versions;
  if (!interest.policy_deployments.empty()) {
    Observation listed;
    listed.repositories[full_name] = result;
    resolve::ObservationIndex index(listed);
    resolve::TagIndex tag_index(index);
    for (const spec::SpaceDeployment* d : interest.policy_deployments) {
      resolve::ResolvedVersion v = resolve::ResolveVersion(*d, index, tag_index);
      if (!v.version.empty()) versions.insert(v.version);
    }
  }

  for (const std::string& version : versions) {
    auto cached = CachedTag(r, version, "");
    if (!cached.ok() && cached.status().code() != StatusCode::kNotFound) return cached.status();
    if (cached.ok() && *cached) {
      result.tags[version] = std::move(**cached);
    } else {
      auto manifest = cached.ok() ? client.GetManifest(repo, version) : Result<oci::Manifest>(cached.status());
      if (!manifest.ok()) {
        if (manifest.status().code() == StatusCode::kNotFound) {
          result.tags.erase(version);  // listed a moment ago, gone now
          continue;
        }
        return manifest.status();
      }
      result.tags[version] = TagFromManifest(*manifest);
      if (r.caches.manifests != nullptr) r.caches.manifests->Store(manifest->digest, result.tags[version]);
    }
    for (const std::string& platform : interest.platforms) {
      Status s = ReadWrapper(r, platform, resolve::WrapperTag(platform, version), result);
      if (!s.ok()) return s;
    }
  }
  observation.repositories[full_name] = std::move(result);
  return Status::Ok();
}

}  // namespace

RegistryObservation ObserveRegistries(const std::vector<spec::SpaceDeployment>& desired,
                                      oci::Registries& registries, Observation& observation,
                                      RegistryCaches caches) {
  RegistryObservation out;
  std::map<std::string, Interest> interests;  // by full repository name, sorted: deterministic
  for (const spec::SpaceDeployment& d : desired) {
    if (d.suspend) continue;
    Interest& in = interests[d.image.repository];
    if (d.image.version) {
      in.exact_versions.insert(*d.image.version);
    } else {
      in.list_tags = true;
      in.policy_deployments.push_back(&d);
    }
    in.platforms.insert(d.wrapper.platforms.begin(), d.wrapper.platforms.end());
  }

  for (const auto& [name, interest] : interests) {
    auto ref = oci::Reference::Parse(name);
    if (!ref.ok()) {
      out.problems.push_back({name, std::string(oci::reason::kRegistryError), ref.status()});
      continue;
    }
    auto client = registries.For(ref->registry);
    if (!client.ok()) {
      out.problems.push_back({name, std::string(oci::ConditionReasonFor(client.status())), client.status()});
      continue;
    }
    const int64_t before = (*client)->requests_sent_by_this_thread();
    Status s = ObserveRepository({**client, caches, name, ref->repository}, interest, observation);
    out.requests += (*client)->requests_sent_by_this_thread() - before;
    if (!s.ok()) out.problems.push_back({name, std::string(oci::ConditionReasonFor(s)), s});
  }
  return out;
}

}  // namespace spaceport::observe
