// spec.image: which main image runs, pinned to a tag or chosen by a semver policy.
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/semver.h"
#include "spec/validate.h"

namespace spaceport::spec {

const yaml::Node* ValidateImage(DiagnosticSink& sink, const yaml::Node& node,
                                const std::string& path, ImageSpec* out) {
  MapReader image(sink, node, path, {"repository", "version", "policy", "build"});
  if (!image.is_mapping()) return nullptr;

  if (const yaml::Node* repository = image.Require("repository")) {
    if (auto text = ReadString(sink, *repository, image.PathOf("repository"))) {
      if (auto why = CheckImageRepository(*text)) {
        sink.Error(repository->mark, image.PathOf("repository"), *why);
      } else {
        out->repository = *text;
      }
    }
  }

  const yaml::Node* version = image.Get("version");
  if (version != nullptr) {
    if (auto text = ReadString(sink, *version, image.PathOf("version"))) {
      if (auto why = CheckTag(*text)) {
        sink.Error(version->mark, image.PathOf("version"), *why);
        version = nullptr;
      } else {
        out->version = *text;
      }
    }
  }

  const yaml::Entry* policy_entry = image.Find("policy");
  if (const yaml::Node* policy = image.Get("policy")) {
    const std::string policy_path = image.PathOf("policy");
    MapReader reader(sink, *policy, policy_path, {"semver"});
    if (reader.is_mapping()) {
      if (const yaml::Node* semver = reader.Require("semver")) {
        if (auto text = ReadString(sink, *semver, reader.PathOf("semver"))) {
          auto range = SemverRange::Parse(*text);
          if (!range.ok()) {
            sink.Error(semver->mark, reader.PathOf("semver"),
                       "invalid semver range: " + range.status().message());
          } else {
            out->semver = *text;
          }
        }
      }
    }
  }

  // Exactly one of the two; a key written with no value counts as absent.
  const yaml::Entry* version_entry = image.Find("version");
  const bool has_version =
      version_entry != nullptr && version_entry->value->kind != yaml::NodeKind::kNull;
  const bool has_policy =
      policy_entry != nullptr && policy_entry->value->kind != yaml::NodeKind::kNull;
  if (has_version && has_policy) {
    sink.Error(policy_entry->key->mark, image.PathOf("policy"),
               "set either version (an exact tag) or policy (a semver range), not both");
  } else if (!has_version && !has_policy) {
    if (version_entry != nullptr) {
      sink.Error(version_entry->key->mark, image.PathOf("version"),
                 "has no value; write an exact tag such as v1.0.0");
    } else if (policy_entry != nullptr) {
      sink.Error(policy_entry->key->mark, image.PathOf("policy"),
                 "has no value; write {semver: RANGE}, e.g. {semver: \">=1.0.0 <2.0.0\"}");
    } else {
      sink.Error(node.mark, path,
                 "missing required field \"version\" (or \"policy\" to follow a semver range)");
    }
  }

  if (const yaml::Node* build = image.Get("build")) {
    BuildSpec spec;
    ValidateBuild(sink, *build, image.PathOf("build"), &spec);
    out->build = std::move(spec);
  }
  return version;
}

}  // namespace spaceport::spec
