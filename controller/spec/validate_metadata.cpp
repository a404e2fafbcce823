// metadata: the deployment's name, namespace, labels and annotations.
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

std::map<std::string, std::string> ToMap(const ScalarMap& entries) {
  std::map<std::string, std::string> out;
  for (const ScalarEntry& e : entries) out.emplace(e.name, e.value);
  return out;
}

}  // namespace

void ValidateMetadata(DiagnosticSink& sink, const yaml::Node& node, DocumentOutcome* out) {
  // Fields the Kubernetes API server adds are accepted and ignored, so that the output of
  // `kubectl get spacedeployment -o yaml` loads as it is.
  MapReader metadata(sink, node, "metadata", {"name", "namespace", "labels", "annotations"},
                     {"uid", "resourceVersion", "generation", "creationTimestamp",
                      "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers",
                      "ownerReferences", "managedFields", "generateName", "selfLink"});
  if (!metadata.is_mapping()) return;

  if (const yaml::Node* name = metadata.Require("name")) {
    if (auto text = ReadString(sink, *name, "metadata.name")) {
      if (auto why = CheckRfc1123Label(*text)) {
        sink.Error(name->mark, "metadata.name", *why);
      } else {
        out->deployment.name = *text;
        out->has_name = true;
        out->name_mark = name->mark;
      }
    }
  }
  if (const yaml::Node* ns = metadata.Get("namespace")) {
    if (auto text = ReadString(sink, *ns, "metadata.namespace")) {
      if (auto why = CheckRfc1123Label(*text)) {
        sink.Error(ns->mark, "metadata.namespace", *why);
      } else {
        out->deployment.namespace_ = *text;
      }
    }
  }
  if (const yaml::Node* labels = metadata.Get("labels")) {
    if (auto map = ReadScalarMap(sink, *labels, "metadata.labels")) {
      out->deployment.labels = ToMap(*map);
    }
  }
  if (const yaml::Node* annotations = metadata.Get("annotations")) {
    if (auto map = ReadScalarMap(sink, *annotations, "metadata.annotations")) {
      out->deployment.annotations = ToMap(*map);
    }
  }
}

}  // namespace spaceport::spec
