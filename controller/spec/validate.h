// The validator of one SpaceDeployment document, section by section.
//
// ValidateDocument() turns one parsed yaml::Document into a SpaceDeployment, reporting every
// problem it finds (it never stops at the first). It starts from DefaultDeployment() and
// overwrites what the document sets, so defaults come from one place. Each section has its own
// validator and file (metadata, image and build, wrapper, spaces); they share the MapReader
// vocabulary of field_reader.h. Checks that span documents (duplicate names, a Space claimed twice)
// are not here but in cross_document.h, fed by the Space ids this validator collects.
//
//   DocumentOutcome outcome = ValidateDocument(doc, "examples/app.yaml");
//   if (outcome.kind == DocumentKind::kSpaceDeployment && outcome.sink.error_count() == 0) ...
#pragma once

#include <string>
#include <vector>

#include "spec/diagnostic_sink.h"
#include "spec/types.h"
#include "spec/yaml_tree.h"

namespace spaceport::spec {

// Where a Space id is written, for the cross-document "claimed twice" check.
struct SpaceIdUse {
  std::string id;
  yaml::Mark mark;
  std::string field;  // spec.spaces[i].id
};

enum class DocumentKind {
  kSpaceDeployment,  // ours, valid or not
  kOther,            // another apiVersion/kind: skipped with a note
  kUnreadable,       // a syntax error, or not an object at all
};

struct DocumentOutcome {
  DocumentKind kind = DocumentKind::kUnreadable;
  SpaceDeployment deployment;         // as much as could be read
  bool has_name = false;              // metadata.name was readable
  yaml::Mark name_mark;               // where metadata.name is written
  std::vector<SpaceIdUse> space_ids;  // well-formed ids, first use within the document only
  DiagnosticSink sink;

  explicit DocumentOutcome(std::string file) : sink(std::move(file)) {}
};

DocumentOutcome ValidateDocument(const yaml::Document& document, const std::string& file);

// Sections. Each reads `node` at field path `path` into `out`, reporting into `sink`.
void ValidateMetadata(DiagnosticSink& sink, const yaml::Node& node, DocumentOutcome* out);
// Also returns the node of image.version (or nullptr) for the wrapper-tag length check.
const yaml::Node* ValidateImage(DiagnosticSink& sink, const yaml::Node& node,
                                const std::string& path, ImageSpec* out);
void ValidateBuild(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                   BuildSpec* out);
void ValidateWrapper(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                     WrapperSpec* out);
void ValidateSpaces(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                    std::vector<SpaceSpec>* out, std::vector<SpaceIdUse>* ids);

// One secret's source (a Space secret, a build token): exactly one of secretKeyRef and fromEnv.
// `name` names it in messages. nullopt after any error.
std::optional<SecretSource> ReadSecretSource(DiagnosticSink& sink, const yaml::Node& node,
                                             const std::string& path, const std::string& name);

}  // namespace spaceport::spec
