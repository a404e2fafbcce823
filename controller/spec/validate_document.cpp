// One document: what it is (ours, another kind, unreadable), then apiVersion, kind, metadata
// and spec, section by section.
#include <algorithm>
#include <cctype>

#include "spec/default_values.h"
#include "spec/defaults.h"
#include "spec/field_reader.h"
#include "spec/quote.h"
#include "spec/suggest.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

using yaml::Node;
using yaml::NodeKind;

// The first value of `key` in a mapping, before any validation (to tell what the document is).
const Node* Peek(const Node& mapping, std::string_view key) {
  for (const yaml::Entry& e : mapping.entries) {
    if (e.key->kind == NodeKind::kScalar && e.key->text == key) return e.value;
  }
  return nullptr;
}

std::string ScalarText(const Node* node) {
  return node != nullptr && node->kind == NodeKind::kScalar ? node->text : "";
}

// An apiVersion or kind as it reads in a sentence: bare when it looks like one, else quoted.
std::string AsWord(const std::string& text) {
  const bool word = text.size() <= 80 && std::all_of(text.begin(), text.end(), [](char c) {
                      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '/' ||
                             c == '-' || c == '_';
                    });
  return word ? text : Quote(text);
}

// "skipping ConfigMap "settings" (apiVersion v1): not a SpaceDeployment"
std::string OtherKindNote(const Node& root, const std::string& api_version,
                          const std::string& kind) {
  std::string name;
  const Node* metadata = Peek(root, "metadata");
  if (metadata != nullptr && metadata->kind == NodeKind::kMapping) {
    const std::string text = ScalarText(Peek(*metadata, "name"));
    if (!text.empty()) name.append(" ").append(Quote(text));
  }
  return "skipping " + AsWord(kind) + name + " (apiVersion " + AsWord(api_version) +
         "): not a SpaceDeployment";
}

void ReadDriftPolicy(DiagnosticSink& sink, const Node& node, DriftPolicy* out) {
  auto text = ReadString(sink, node, "spec.driftPolicy");
  if (!text) return;
  if (*text == "correct") {
    *out = DriftPolicy::kCorrect;
  } else if (*text == "warn") {
    *out = DriftPolicy::kWarn;
  } else {
    static constexpr std::string_view kPolicies[] = {"correct", "warn"};
    std::string hint = DidYouMean(*text, kPolicies);
    if (hint.empty()) hint = "; use correct or warn";
    sink.Error(node.mark, "spec.driftPolicy", Quote(*text) + " is not a drift policy" + hint);
  }
}

// Wrapper tags are hf-PLATFORM-VERSION, and like any OCI tag at most this long; with a pinned
// version their length is known before anything is built.
constexpr size_t kMaxTagLength = 128;

void CheckWrapperTagLength(DiagnosticSink& sink, const Node& version, const SpaceDeployment& d) {
  std::string longest;  // the longest platform, as written in a tag
  for (const std::string& platform : d.wrapper.platforms) {
    if (platform.size() > longest.size()) longest = platform;
  }
  std::replace(longest.begin(), longest.end(), '/', '-');
  const size_t length = std::string_view("hf--").size() + longest.size() + d.image.version->size();
  if (length > kMaxTagLength) {
    sink.Error(version.mark, "spec.image.version",
               "is too long for its wrapper tag: hf-" + longest + "-VERSION would have " +
                   std::to_string(length) + " characters and tags allow " +
                   std::to_string(kMaxTagLength));
  }
}

void ValidateSpecSection(DiagnosticSink& sink, const Node& node, DocumentOutcome* out) {
  SpaceDeployment& d = out->deployment;
  MapReader spec(sink, node, "spec",
                 {"image", "wrapper", "spaces", "driftPolicy", "suspend", "interval"});
  if (!spec.is_mapping()) return;

  const Node* version = nullptr;
  if (const Node* image = spec.Require("image")) {
    version = ValidateImage(sink, *image, "spec.image", &d.image);
  }
  if (const Node* wrapper = spec.Get("wrapper")) {
    ValidateWrapper(sink, *wrapper, "spec.wrapper", &d.wrapper);
  }
  if (const Node* spaces = spec.Require("spaces")) {
    ValidateSpaces(sink, *spaces, "spec.spaces", &d.spaces, &out->space_ids);
  }
  if (const Node* policy = spec.Get("driftPolicy")) ReadDriftPolicy(sink, *policy, &d.drift_policy);
  if (auto suspend = spec.Bool("suspend")) d.suspend = *suspend;
  if (const Node* interval = spec.Get("interval")) {
    if (auto seconds = ReadDuration(sink, *interval, "spec.interval")) {
      d.interval = {*seconds, interval->text};
    }
  }
  if (version != nullptr && d.image.version) CheckWrapperTagLength(sink, *version, d);
}

// Documents of other kinds are someone else's; ours are recognised by kind or API group, so a
// typo in one of the two is reported instead of silently skipping the document.
bool IsOurs(const std::string& api_version, const std::string& kind) {
  return kind == kKind || api_version.starts_with("spaceport.dev/");
}

void CheckApiVersionAndKind(DiagnosticSink& sink, MapReader& top) {
  if (const Node* api = top.Require("apiVersion")) {
    if (auto text = ReadString(sink, *api, "apiVersion"); text && *text != kApiVersion) {
      sink.Error(api->mark, "apiVersion",
                 Quote(*text) + " is not a supported apiVersion for SpaceDeployment; use \"" +
                     std::string(kApiVersion) + "\"");
    }
  }
  if (const Node* kind = top.Require("kind")) {
    if (auto text = ReadString(sink, *kind, "kind"); text && *text != kKind) {
      static constexpr std::string_view kKinds[] = {kKind};
      std::string hint = DidYouMean(*text, kKinds);
      if (hint.empty()) hint = "; the only kind in spaceport.dev is SpaceDeployment";
      sink.Error(kind->mark, "kind", "unknown kind " + Quote(*text) + hint);
    }
  }
}

}  // namespace

DocumentOutcome ValidateDocument(const yaml::Document& document, const std::string& file) {
  DocumentOutcome out(file);
  DiagnosticSink& sink = out.sink;
  out.deployment = DefaultDeployment();
  out.deployment.document_index = document.index;
  out.deployment.position = sink.At(document.start);

  if (document.error) {
    sink.Error(document.error->mark, "", document.error->message);
    return out;
  }
  const Node& root = *document.root;
  out.deployment.position = sink.At(root.mark);
  if (root.kind != NodeKind::kMapping) {
    sink.Error(root.mark, "",
               "expected an object with apiVersion and kind, got " + yaml::Describe(root));
    return out;
  }

  const std::string api_version = ScalarText(Peek(root, "apiVersion"));
  const std::string kind = ScalarText(Peek(root, "kind"));
  if (!IsOurs(api_version, kind)) {
    if (api_version.empty() || kind.empty()) {
      std::string missing = "field \"kind\"";
      if (api_version.empty()) {
        missing = kind.empty() ? "fields \"apiVersion\" and \"kind\"" : "field \"apiVersion\"";
      }
      sink.Error(root.mark, "", "missing required " + missing);
      return out;
    }
    out.kind = DocumentKind::kOther;
    sink.Note(root.mark, "", OtherKindNote(root, api_version, kind));
    return out;
  }

  out.kind = DocumentKind::kSpaceDeployment;
  // `status` is what Kubernetes writes back; it is accepted and ignored.
  MapReader top(sink, root, "", {"apiVersion", "kind", "metadata", "spec"}, {"status"});
  CheckApiVersionAndKind(sink, top);
  if (const Node* metadata = top.Require("metadata")) ValidateMetadata(sink, *metadata, &out);
  if (const Node* spec = top.Require("spec")) ValidateSpecSection(sink, *spec, &out);
  return out;
}

}  // namespace spaceport::spec
