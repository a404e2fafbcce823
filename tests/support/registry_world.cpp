#include "support/registry_world.h"

namespace spaceport::support {
namespace {

std::string Tail(const std::string& log, int lines = 12) {
  size_t at = log.size();
  for (int i = 0; i <= lines && at != std::string::npos && at > 0; ++i) at = log.rfind('\n', at - 1);
  return at == std::string::npos ? log : log.substr(at + 1);
}

}  // namespace

Status RegistryWorld::Need(std::initializer_list<std::string> keys) {
  for (const std::string& key : keys) {
    size_t colon = key.find(':');
    auto registry = Registry(key.substr(0, colon));
    if (!registry.ok()) return registry.status();
    if (colon == std::string::npos || seeded_.count(key)) continue;
    size_t tag_colon = key.rfind(':');
    std::string repository = key.substr(colon + 1, tag_colon - colon - 1);
    std::string tag = key.substr(tag_colon + 1);
    auto image = seeder_.Push(**registry, repository, tag, SpecFor(repository, tag));
    if (!image.ok()) return image.status();
    seeded_[key] = *image;
  }
  return Status::Ok();
}

Result<SeededImage> RegistryWorld::Seed(const std::string& registry, const std::string& repository,
                                        const std::string& tag, const ImageSpec& spec) {
  auto r = Registry(registry);
  if (!r.ok()) return r.status();
  auto image = seeder_.Push(**r, repository, tag, spec);
  if (image.ok()) seeded_[registry + ":" + repository + ":" + tag] = *image;
  return image;
}

std::string RegistryWorld::LogTails() const {
  std::string out;
  for (const auto& [name, registry] : registries_)
    out += "--- " + name + " registry log tail ---\n" + Tail(registry->Log());
  return out;
}

ImageSpec RegistryWorld::SpecFor(const std::string& repository, const std::string& tag) {
  ImageSpec spec;
  auto ends_with = [&](const std::string& suffix) {
    return tag.size() >= suffix.size() &&
           tag.compare(tag.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with("-multi") || ends_with("-multi-docker")) spec.architectures = {"amd64", "arm64"};
  if (ends_with("-multi")) spec.with_attestation = true;
  if (ends_with("-docker")) spec.format = ImageFormat::kDocker;
  if (repository == "owner/umoci") {
    spec.omit_manifest_media_type = true;
    spec.seed = 7;
  }
  return spec;
}

Result<RegistryProcess*> RegistryWorld::Registry(const std::string& name) {
  if (auto it = registries_.find(name); it != registries_.end()) return it->second.get();
  RegistryProcess::Options o;
  o.username = kRegistryUser;
  o.password = kRegistryPassword;
  if (name == "basic") {
    o.auth = RegistryAuth::kHtpasswd;
  } else if (name == "token") {
    if (!tokens_) {
      TokenServer::Options token_options;
      token_options.users = {{kRegistryUser, kRegistryPassword}, {"limited", "limited-pass"}};
      token_options.public_repositories = {"owner/public"};
      auto t = TokenServer::Start(dir_.path(), token_options);
      if (!t.ok()) return t.status();
      tokens_ = std::move(*t);
    }
    o.auth = RegistryAuth::kToken;
    o.token_server = tokens_.get();
  } else if (name != "open") {
    return InvalidArgument("no registry named " + name);
  }
  auto started = RegistryProcess::Start(o);
  if (!started.ok()) return started.status();
  RegistryProcess* raw = started->get();
  registries_[name] = std::move(*started);
  return raw;
}

}  // namespace spaceport::support
