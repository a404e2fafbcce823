// The SpaceDeployment resource is described twice: by the loader (controller/spec/), which is the
// reference, and by the CustomResourceDefinition (crds/spaceport.dev_spacedeployments.yaml), whose
// schema the apiserver enforces before Spaceport sees an object. These tests fail as soon as the
// two disagree, and they use the loader as a black box: its "unknown field; expected one of ..."
// diagnostic tells which fields an object has, and its verdict on substituted values tells which
// types, enums, patterns, bounds and defaults it applies. The schema side is judged by a small
// validator here that implements the subset of OpenAPI v3 the CRD uses, with the apiserver's
// semantics (nulls dropped, unknown fields pruned, defaults applied top-down). The same schema is
// also checked offline against the structural-schema rules of the 1.20 apiserver we test against
// (shared/reference/kubernetes-testing.md §3.3); tests/kube/crd_apiserver_test.cpp then sends
// documents to the real one.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "base/json.h"
#include "spec/defaults.h"
#include "spec/loader.h"

namespace spaceport::spec {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr const char* kCrdFile = "crds/spaceport.dev_spacedeployments.yaml";
// A key no object of the resource has, and too far from every field name for a did-you-mean.
constexpr const char* kUnknownKey = "zzqqxx";

std::string Slurp(const std::string& relative) {
  std::ifstream in(std::string(SPACEPORT_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ---------------------------------------------------------------------------------------------
// Reading the CRD with yaml-cpp (const access only: a non-const operator[] would insert keys).

const YAML::Node& Crd() {
  static const YAML::Node crd = YAML::LoadFile(std::string(SPACEPORT_SOURCE_DIR) + "/" + kCrdFile);
  return crd;
}

YAML::Node Child(const YAML::Node& node, const std::string& key) {
  static const YAML::Node kEmpty = YAML::Load("{}");
  if (!node.IsDefined() || !node.IsMap()) return kEmpty[key];
  return node[key];
}

YAML::Node Item(const YAML::Node& node, size_t index) {
  static const YAML::Node kEmpty = YAML::Load("{}");
  if (!node.IsDefined() || !node.IsSequence() || index >= node.size()) return kEmpty["none"];
  return node[index];
}

bool Has(const YAML::Node& node, const std::string& key) { return Child(node, key).IsDefined(); }

// yaml-cpp throws on Type() and size() of a node that does not exist; these do not.
bool IsMap(const YAML::Node& node) { return node.IsDefined() && node.IsMap(); }
size_t SizeOf(const YAML::Node& node) { return node.IsDefined() ? node.size() : 0; }

std::string Str(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : "";
}

std::vector<std::string> Strings(const YAML::Node& node) {
  std::vector<std::string> out;
  if (node.IsDefined() && node.IsSequence()) {
    for (const YAML::Node& item : node) out.push_back(Str(item));
  }
  return out;
}

std::vector<std::string> KeysOf(const YAML::Node& node) {
  std::vector<std::string> keys;
  if (node.IsDefined() && node.IsMap()) {
    for (const auto& entry : node) keys.push_back(entry.first.Scalar());
  }
  return keys;
}

YAML::Node Version() { return Item(Child(Child(Crd(), "spec"), "versions"), 0); }
YAML::Node RootSchema() { return Child(Child(Version(), "schema"), "openAPIV3Schema"); }

// Schema node at a dotted path of property names ("spec.image.build"); "[]" steps into items
// and "*" into additionalProperties.
YAML::Node SchemaAt(const std::string& path) {
  YAML::Node node = RootSchema();
  std::stringstream parts(path);
  std::string part;
  while (std::getline(parts, part, '.')) {
    bool items = part.ends_with("[]");
    if (items) part.resize(part.size() - 2);
    // reset() rebinds; yaml-cpp's operator= would overwrite the node it refers to.
    node.reset(part == "*" ? Child(node, "additionalProperties")
                           : Child(Child(node, "properties"), part));
    if (items) node.reset(Child(node, "items"));
  }
  return node;
}

// YAML value → Json with YAML 1.2 core typing: quoted scalars are strings, plain ones may be
// booleans, numbers or null. (Only used for the CRD's own defaults and enums, and the docs.)
Json YamlToJson(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return Json();
  if (node.IsMap()) {
    Json object = Json::Object();
    for (const auto& entry : node) object.Set(entry.first.Scalar(), YamlToJson(entry.second));
    return object;
  }
  if (node.IsSequence()) {
    Json array = Json::Array();
    for (const YAML::Node& item : node) array.Push(YamlToJson(item));
    return array;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return Json(text);
  if (text == "true" || text == "false") return Json(text == "true");
  static const std::regex kNumber(R"(-?[0-9]+(\.[0-9]+)?)");
  if (std::regex_match(text, kNumber)) return Json::NumberLexeme(text);
  return Json(text);
}

// ---------------------------------------------------------------------------------------------
// The schema side: a validator for the subset of OpenAPI v3 the CRD uses, as the apiserver
// applies it (go-openapi validation after pruning nulls; list-type uniqueness; pruning).

bool IsInteger(const Json& v) {
  return v.is_number() && v.Lexeme().find_first_of(".eE") == std::string::npos;
}

std::string KindOf(const Json& v) {
  switch (v.type()) {
    case Json::Type::kNull: return "null";
    case Json::Type::kBool: return "boolean";
    case Json::Type::kNumber: return IsInteger(v) ? "integer" : "number";
    case Json::Type::kString: return "string";
    case Json::Type::kArray: return "array";
    case Json::Type::kObject: return "object";
  }
  return "?";
}

bool HasType(const Json& v, const std::string& type) {
  if (type == "number") return v.is_number();
  return KindOf(v) == type;
}

size_t CodePoints(const std::string& utf8) {
  size_t count = 0;
  for (char c : utf8) count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return count;
}

// The apiserver uses Go's regexp.MatchString (a search, not a full match); the CRD's patterns
// use only syntax on which RE2 and ECMAScript agree (see PatternsUseOnlySyntaxGoRe2Accepts).
bool PatternMatches(const std::string& pattern, const std::string& text) {
  static std::map<std::string, std::regex> compiled;
  auto it = compiled.find(pattern);
  if (it == compiled.end()) it = compiled.emplace(pattern, std::regex(pattern)).first;
  return std::regex_search(text, it->second);
}

std::string Join(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

struct Verdict {
  std::vector<std::string> errors;
  std::vector<std::string> pruned;  // fields the apiserver would drop silently
  bool ok() const { return errors.empty(); }
};

void Check(const YAML::Node& s, const Json& v, const std::string& path, Verdict& out,
           bool in_junctor = false);

Verdict CheckAlone(const YAML::Node& s, const Json& v, const std::string& path) {
  Verdict sub;
  Check(s, v, path, sub, /*in_junctor=*/true);
  return sub;
}

void Check(const YAML::Node& s, const Json& v, const std::string& path, Verdict& out,
           bool in_junctor) {
  if (!s.IsDefined() || !s.IsMap()) return;
  const auto fail = [&](const std::string& why) { out.errors.push_back(path + ": " + why); };

  const std::string type = Str(Child(s, "type"));
  if (!type.empty() && !HasType(v, type)) {
    fail("must be of type " + type + ", got " + KindOf(v));
    return;
  }
  if (const YAML::Node values = Child(s, "enum"); values.IsDefined()) {
    bool found = false;
    for (const YAML::Node& value : values) found = found || YamlToJson(value) == v;
    if (!found) fail("unsupported value " + v.Dump());
  }
  if (v.is_string()) {
    const std::string& text = v.AsString();
    if (Has(s, "maxLength") && CodePoints(text) > std::stoul(Str(Child(s, "maxLength")))) {
      fail("longer than " + Str(Child(s, "maxLength")));
    }
    if (Has(s, "minLength") && CodePoints(text) < std::stoul(Str(Child(s, "minLength")))) {
      fail("shorter than " + Str(Child(s, "minLength")));
    }
    if (Has(s, "pattern") && !PatternMatches(Str(Child(s, "pattern")), text)) {
      fail("should match " + Str(Child(s, "pattern")));
    }
  }
  if (v.is_number()) {
    const double number = v.AsDouble().value_or(0);
    if (Has(s, "minimum") && number < std::stod(Str(Child(s, "minimum")))) fail("below minimum");
    if (Has(s, "maximum") && number > std::stod(Str(Child(s, "maximum")))) fail("above maximum");
  }
  if (v.is_array()) {
    if (Has(s, "minItems") && v.size() < std::stoul(Str(Child(s, "minItems")))) {
      fail("fewer than " + Str(Child(s, "minItems")) + " items");
    }
    const std::string list_type = Str(Child(s, "x-kubernetes-list-type"));
    std::set<std::string> seen;
    for (size_t i = 0; i < v.size(); ++i) {
      std::string identity = v.At(i).Dump();
      if (list_type == "map") {
        identity.clear();
        for (const std::string& key : Strings(Child(s, "x-kubernetes-list-map-keys"))) {
          const Json* value = v.At(i).Find(key);
          identity += (value != nullptr ? value->Dump() : "null") + "\n";
        }
      }
      if ((list_type == "set" || list_type == "map") && !seen.insert(identity).second) {
        fail("duplicate entry [" + std::to_string(i) + "]");
      }
      Check(Child(s, "items"), v.At(i), path + "[" + std::to_string(i) + "]", out, in_junctor);
    }
  }
  if (v.is_object()) {
    // Nulls of non-nullable fields are pruned before validation: they count as absent.
    std::vector<const Json::Member*> present;
    for (const Json::Member& m : v.Members()) {
      if (!m.second.is_null()) present.push_back(&m);
    }
    if (Has(s, "minProperties") && present.size() < std::stoul(Str(Child(s, "minProperties")))) {
      fail("fewer than " + Str(Child(s, "minProperties")) + " properties");
    }
    for (const std::string& key : Strings(Child(s, "required"))) {
      const Json* value = v.Find(key);
      if (value == nullptr || value->is_null()) fail("missing required field " + key);
    }
    const YAML::Node properties = Child(s, "properties");
    const YAML::Node additional = Child(s, "additionalProperties");
    // The root's metadata is ObjectMeta: the apiserver keeps and checks its fields itself.
    const bool preserve = Str(Child(s, "x-kubernetes-preserve-unknown-fields")) == "true" ||
                          path == "metadata";
    for (const Json::Member* m : present) {
      const std::string field = Join(path, m->first);
      if (Has(properties, m->first)) {
        Check(Child(properties, m->first), m->second, field, out, in_junctor);
      } else if (IsMap(additional)) {
        Check(additional, m->second, field, out, in_junctor);
      } else if (!in_junctor && !preserve && (properties.IsDefined() || type == "object")) {
        out.pruned.push_back(field);
      }
    }
  }
  for (const YAML::Node& sub : Child(s, "allOf")) {
    for (std::string& e : CheckAlone(sub, v, path).errors) out.errors.push_back(std::move(e));
  }
  if (const YAML::Node any = Child(s, "anyOf"); any.IsDefined()) {
    bool one = false;
    for (const YAML::Node& sub : any) one = one || CheckAlone(sub, v, path).ok();
    if (!one) fail("must validate at least one schema (anyOf)");
  }
  if (const YAML::Node one_of = Child(s, "oneOf"); one_of.IsDefined()) {
    int passing = 0;
    for (const YAML::Node& sub : one_of) passing += CheckAlone(sub, v, path).ok() ? 1 : 0;
    if (passing != 1) fail("must validate one and only one schema (oneOf)");
  }
  if (const YAML::Node negated = Child(s, "not"); negated.IsDefined()) {
    if (CheckAlone(negated, v, path).ok()) fail("must not validate the schema (not)");
  }
}

Verdict CheckDocument(const Json& doc) {
  Verdict verdict;
  Check(RootSchema(), doc, "", verdict);
  return verdict;
}

// Structural defaulting as the apiserver does it: top-down, a missing (or null) property with a
// default gets it, then defaults apply inside it. Returns the schema paths it defaulted.
void ApplyDefaults(const YAML::Node& s, Json& v, const std::string& schema_path,
                   std::set<std::string>* applied) {
  if (v.is_object()) {
    for (const auto& entry : Child(s, "properties")) {
      const std::string name = entry.first.Scalar();
      const Json* current = v.Find(name);
      const YAML::Node fallback = Child(entry.second, "default");
      if ((current == nullptr || current->is_null()) && fallback.IsDefined()) {
        v.Set(name, YamlToJson(fallback));
        applied->insert(Join(schema_path, name));
      }
      if (Json* child = v.Find(name); child != nullptr && !child->is_null()) {
        ApplyDefaults(entry.second, *child, Join(schema_path, name), applied);
      }
    }
    if (const YAML::Node additional = Child(s, "additionalProperties"); IsMap(additional)) {
      for (size_t i = 0; i < v.size(); ++i) {
        ApplyDefaults(additional, v.At(i), Join(schema_path, "*"), applied);
      }
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      ApplyDefaults(Child(s, "items"), v.At(i), schema_path + "[]", applied);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The loader side: documents are written as JSON (which is YAML; strings come out quoted, so the
// loader sees booleans and integers exactly where the JSON has them).

std::vector<Diagnostic> Errors(const LoadResult& result) {
  std::vector<Diagnostic> errors;
  for (const Diagnostic& d : result.diagnostics) {
    if (d.severity == Severity::kError) errors.push_back(d);
  }
  return errors;
}

LoadResult LoadJson(const Json& doc) { return LoadText(doc.Dump(2), "crd-parity.yaml"); }

std::string Render(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) out += "\n  " + d.ToString();
  return out;
}

bool HasErrorAt(const LoadResult& result, const std::string& field) {
  for (const Diagnostic& d : Errors(result)) {
    if (d.field == field) return true;
  }
  return false;
}

Json ParseJson(const std::string& text) {
  auto parsed = Json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << text;
  return parsed.ok() ? *parsed : Json();
}

// Three valid documents that between them reach every object and leaf of the loader (the two
// build backends, the two image selectors and the two secret sources exclude each other).
Json FullDocument(int which) {
  Json doc = ParseJson(R"({
    "apiVersion": "spaceport.dev/v1alpha1",
    "kind": "SpaceDeployment",
    "metadata": {"name": "parity", "namespace": "apps", "labels": {"app": "parity"},
                 "annotations": {"note": "hello"}},
    "spec": {
      "image": {
        "repository": "ghcr.io/acme/parity",
        "version": "v1.0.0",
        "build": {"githubActions": {
          "repository": "acme/parity", "workflow": "docker.yml", "ref": "main",
          "inputs": {"version": "{{ .Version }}", "build_id": "{{ .BuildID }}"},
          "token": {"secretKeyRef": {"name": "gh-token", "key": "token"}}}}
      },
      "wrapper": {"platforms": ["amd64", "arm64"], "env": {"HOST": "0.0.0.0", "DEBUG": "1"},
                  "port": 7860},
      "spaces": [{
        "id": "acme/parity", "create": true, "private": false, "hardware": "cpu-basic",
        "sleepTimeSeconds": 3600, "variables": {"LOG_LEVEL": "info"},
        "secrets": {"API_KEY": {"secretKeyRef": {"name": "parity", "key": "api-key"}}},
        "health": {"path": "/health", "timeoutSeconds": 600},
        "card": {"title": "Parity", "emoji": "R", "colorFrom": "indigo", "colorTo": "blue",
                 "shortDescription": "A parity test", "license": "mit", "pinned": false}
      }],
      "driftPolicy": "warn",
      "suspend": false,
      "interval": "10m"
    }
  })");
  Json& image = *doc.Find("spec")->Find("image");
  Json& space = doc.Find("spec")->Find("spaces")->At(0);
  if (which == 1) {  // a semver policy, the command backend, a secret from the environment
    image.Erase("version");
    image.Set("policy", ParseJson(R"({"semver": ">=1.0.0 <2.0.0"})"));
    image.Set("build", ParseJson(R"({"command": {"run": ["make", "IMAGE={{ .Image }}"],
                                                 "timeout": "20m", "passEnv": ["NPM_TOKEN"]}})"));
    space.Set("secrets", ParseJson(R"({"API_KEY": {"fromEnv": "PARITY_KEY"}})"));
  } else if (which == 2) {  // the build token from the environment
    image.Find("build")->Find("githubActions")->Set("token", ParseJson(R"({"fromEnv": "GH"})"));
  } else if (which == 3) {  // a Kubernetes Job with its own arguments and every other field
    image.Set("build", ParseJson(R"({"kubernetesJob": {
      "image": "gcr.io/kaniko-project/executor:v1.23.2",
      "args": ["--context=git://github.com/acme/parity#refs/tags/{{ .Version }}",
               "--destination={{ .Image }}", "--label=build={{ .BuildID }}"],
      "dockerfile": "build/Dockerfile",
      "serviceAccountName": "builder",
      "resources": {"requests": {"cpu": "500m", "memory": "1Gi"},
                    "limits": {"cpu": "2", "memory": "4Gi"}},
      "activeDeadlineSeconds": 1800, "ttlSecondsAfterFinished": 600,
      "pushSecret": "regcred", "namespace": "builds", "runAsUser": 1000}})"));
  } else if (which == 4) {  // a Kubernetes Job with kaniko's default arguments from its context
    image.Set("build", ParseJson(R"({"kubernetesJob": {
      "context": "git://github.com/acme/parity#refs/tags/{{ .Version }}",
      "dockerfile": "Dockerfile"}})"));
  }
  return doc;
}
constexpr int kFullDocuments = 5;

// ---------------------------------------------------------------------------------------------
// Walking a document and the schema together.

struct Step {
  std::string key;
  int index = -1;  // >= 0: an array item
};

// `schema` is rebound with reset(), never assigned: assigning a yaml-cpp Node writes through it.
struct Location {
  std::vector<Step> steps;
  std::string field;        // the loader's path: spec.spaces[0].card
  std::string schema_path;  // spec.spaces[].card; map values: spec.spaces[].variables.*
  YAML::Node schema;
};

Json* Resolve(Json& root, const std::vector<Step>& steps) {
  Json* node = &root;
  for (const Step& step : steps) {
    if (node == nullptr) return nullptr;
    if (step.index >= 0) {
      if (!node->is_array() || static_cast<size_t>(step.index) >= node->size()) return nullptr;
      node = &node->At(static_cast<size_t>(step.index));
    } else {
      node = node->Find(step.key);
    }
  }
  return node;
}

// Sets the value at `steps`, creating the last member if needed.
void SetAt(Json& root, const std::vector<Step>& steps, Json value) {
  std::vector<Step> parent(steps.begin(), steps.end() - 1);
  Json* holder = Resolve(root, parent);
  ASSERT_NE(holder, nullptr);
  if (steps.back().index >= 0) {
    holder->At(static_cast<size_t>(steps.back().index)) = std::move(value);
  } else {
    holder->Set(steps.back().key, std::move(value));
  }
}

// "spec.spaces[0].card.title" → steps.
std::vector<Step> StepsOf(const std::string& field) {
  std::vector<Step> steps;
  std::stringstream parts(field);
  std::string part;
  while (std::getline(parts, part, '.')) {
    const size_t bracket = part.find('[');
    steps.push_back({part.substr(0, bracket)});
    if (bracket != std::string::npos) {
      steps.push_back({"", std::stoi(part.substr(bracket + 1))});
    }
  }
  return steps;
}

// Every node of `doc` the schema describes, except the root's metadata (Kubernetes ObjectMeta,
// see MetadataIsObjectMetaAndTheLoaderAcceptsWhatTheApiserverAdds) and status (the controller's).
void Collect(const YAML::Node& schema, const Json& value, const Location& here,
             std::vector<Location>* out) {
  out->push_back(here);
  if (value.is_object()) {
    const YAML::Node properties = Child(schema, "properties");
    const YAML::Node additional = Child(schema, "additionalProperties");
    for (const Json::Member& m : value.Members()) {
      if (here.steps.empty() && (m.first == "metadata" || m.first == "status")) continue;
      Location child = here;
      child.steps.push_back({m.first});
      child.field = Join(here.field, m.first);
      if (Has(properties, m.first)) {
        child.schema_path = Join(here.schema_path, m.first);
        child.schema.reset(Child(properties, m.first));
      } else {
        child.schema_path = Join(here.schema_path, "*");
        child.schema.reset(additional);
      }
      Collect(child.schema, m.second, child, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      Location child = here;
      child.steps.push_back({"", static_cast<int>(i)});
      child.field = here.field + "[" + std::to_string(i) + "]";
      child.schema_path = here.schema_path + "[]";
      child.schema.reset(Child(schema, "items"));
      Collect(child.schema, value.At(i), child, out);
    }
  }
}

std::vector<Location> Locations(const Json& doc) {
  std::vector<Location> out;
  Location root;
  root.schema.reset(RootSchema());
  Collect(root.schema, doc, root, &out);
  return out;
}

// The field list of "unknown field; expected one of a, b, c" at `field`.
std::set<std::string> LoaderFieldsAt(const LoadResult& result, const std::string& field) {
  const std::string prefix = "unknown field; expected one of ";
  for (const Diagnostic& d : Errors(result)) {
    if (d.field != field || !d.message.starts_with(prefix)) continue;
    std::set<std::string> names;
    std::stringstream list(d.message.substr(prefix.size()));
    std::string name;
    while (std::getline(list, name, ',')) {
      names.insert(name.substr(name.find_first_not_of(' ')));
    }
    return names;
  }
  return {};
}

std::set<std::string> SetOf(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// ---------------------------------------------------------------------------------------------
// The field model: objects, types, enums.

TEST(CrdParity, TheTestDocumentsLoadCleanlyAndSatisfyTheSchemaWithNothingPruned) {
  for (int which = 0; which < kFullDocuments; ++which) {
    const Json doc = FullDocument(which);
    const LoadResult loaded = LoadJson(doc);
    EXPECT_THAT(Errors(loaded), IsEmpty()) << "document " << which << Render(loaded.diagnostics);
    const Verdict verdict = CheckDocument(doc);
    EXPECT_THAT(verdict.errors, IsEmpty()) << "document " << which;
    EXPECT_THAT(verdict.pruned, IsEmpty()) << "document " << which;
  }
}

// Both directions at once: an unknown key makes the loader list the object's fields, and that
// list must be the schema's properties there.
TEST(CrdParity, EveryObjectHasTheSameFieldsInTheLoaderAndInTheSchema) {
  int objects = 0;
  for (int which = 0; which < kFullDocuments; ++which) {
    const Json doc = FullDocument(which);
    for (const Location& at : Locations(doc)) {
      if (!Has(at.schema, "properties")) continue;
      ++objects;
      Json probe = doc;
      Json* object = Resolve(probe, at.steps);
      ASSERT_NE(object, nullptr);
      object->Set(kUnknownKey, Json(int64_t{1}));
      const LoadResult loaded = LoadJson(probe);
      const std::set<std::string> loader = LoaderFieldsAt(loaded, Join(at.field, kUnknownKey));
      ASSERT_FALSE(loader.empty()) << "the loader did not report " << kUnknownKey << " at "
                                   << (at.field.empty() ? "the root" : at.field)
                                   << Render(loaded.diagnostics);
      std::set<std::string> schema = SetOf(KeysOf(Child(at.schema, "properties")));
      if (at.steps.empty()) {
        // The root's status is written by the controller: the loader accepts and ignores it
        // (spec/validate_document.cpp), so it is not among the fields it suggests.
        EXPECT_EQ(schema.erase("status"), 1u);
      }
      EXPECT_EQ(loader, schema) << "fields of " << (at.field.empty() ? "the root" : at.field);
      EXPECT_TRUE(CheckDocument(probe).ok()) << "the apiserver would prune " << kUnknownKey;
      EXPECT_THAT(CheckDocument(probe).pruned, ElementsAre(Join(at.field, kUnknownKey)));
    }
  }
  // root, spec, image, policy, build, githubActions, token, secretKeyRef (x2), command,
  // kubernetesJob, its resources, requests and limits, wrapper, spaces[0], secret sources,
  // health, card: a walk that stops early cannot pass for complete.
  EXPECT_GE(objects, 19);
}

// Maps of user-chosen names (additionalProperties) accept any new name in the loader too.
TEST(CrdParity, EveryMapOfNamesIsFreeFormInBoth) {
  int maps = 0;
  for (int which = 0; which < kFullDocuments; ++which) {
    const Json doc = FullDocument(which);
    for (const Location& at : Locations(doc)) {
      if (!IsMap(Child(at.schema, "additionalProperties"))) continue;
      ++maps;
      Json probe = doc;
      Json* map = Resolve(probe, at.steps);
      ASSERT_TRUE(map != nullptr && map->size() > 0) << at.field;
      const Json copy = map->At(0);
      map->Set("ZZQQXX_NEW", copy);
      const LoadResult loaded = LoadJson(probe);
      EXPECT_THAT(Errors(loaded), IsEmpty()) << at.field << Render(loaded.diagnostics);
      EXPECT_TRUE(CheckDocument(probe).ok()) << at.field;
      EXPECT_THAT(CheckDocument(probe).pruned, IsEmpty()) << at.field;
    }
  }
  EXPECT_GE(maps, 5);  // inputs, env, variables, secrets (twice)
}

// Values the schema's type refuses; for strings only collections, because the loader keeps any
// scalar as written (`version: 1.4` is "1.4") while the apiserver, behind kubectl's YAML 1.1,
// refuses a number or boolean where a string belongs (docs/kubernetes.md says to quote them).
std::vector<Json> WrongValuesFor(const std::string& type) {
  Json object = Json::Object();
  object.Set(kUnknownKey, Json("x"));
  Json array = Json::Array();
  array.Push(Json("x"));
  if (type == "string") return {object, array};
  if (type == "integer") return {object, array, Json(true), Json("7")};
  if (type == "boolean") return {object, array, Json(int64_t{1}), Json("true")};
  if (type == "object") return {array, Json("x"), Json(int64_t{7}), Json(true)};
  if (type == "array") return {object, Json("x"), Json(int64_t{7}), Json(true)};
  ADD_FAILURE() << "no wrong values for type " << type;
  return {};
}

TEST(CrdParity, EveryFieldHoldsTheTypeTheSchemaDeclaresAndTheLoaderRefusesEveryOther) {
  int fields = 0;
  for (int which = 0; which < kFullDocuments; ++which) {
    Json doc = FullDocument(which);
    for (const Location& at : Locations(doc)) {
      if (at.steps.empty()) continue;
      const std::string type = Str(Child(at.schema, "type"));
      ASSERT_FALSE(type.empty()) << at.schema_path << " has no type";
      ++fields;
      EXPECT_TRUE(HasType(*Resolve(doc, at.steps), type))
          << at.field << " is " << KindOf(*Resolve(doc, at.steps)) << " in a valid document, but "
          << type << " in the schema";
      for (const Json& wrong : WrongValuesFor(type)) {
        Json probe = doc;
        SetAt(probe, at.steps, wrong);
        const LoadResult loaded = LoadJson(probe);
        EXPECT_TRUE(HasErrorAt(loaded, at.field))
            << "the loader accepts " << wrong.Dump() << " at " << at.field << " (schema type "
            << type << ")" << Render(loaded.diagnostics);
        EXPECT_FALSE(CheckDocument(probe).ok()) << wrong.Dump() << " at " << at.field;
      }
    }
  }
  EXPECT_GE(fields, 60);
}

// All schema nodes, as schema paths, below `path`.
void SchemaPaths(const YAML::Node& s, const std::string& path, std::set<std::string>* out) {
  out->insert(path);
  for (const auto& entry : Child(s, "properties")) {
    SchemaPaths(entry.second, Join(path, entry.first.Scalar()), out);
  }
  if (IsMap(Child(s, "items"))) SchemaPaths(Child(s, "items"), path + "[]", out);
  if (IsMap(Child(s, "additionalProperties"))) {
    SchemaPaths(Child(s, "additionalProperties"), Join(path, "*"), out);
  }
}

TEST(CrdParity, TheTestDocumentsReachEveryNodeOfTheSpecSchema) {
  std::set<std::string> reached;
  for (int which = 0; which < kFullDocuments; ++which) {
    for (const Location& at : Locations(FullDocument(which))) reached.insert(at.schema_path);
  }
  std::set<std::string> all;
  SchemaPaths(SchemaAt("spec"), "spec", &all);
  std::vector<std::string> missed;
  std::set_difference(all.begin(), all.end(), reached.begin(), reached.end(),
                      std::back_inserter(missed));
  EXPECT_THAT(missed, IsEmpty()) << "add them to FullDocument()";
}

// The third backend is a backend like the others: accepted by both, and exclusive with them.
TEST(CrdParity, KubernetesJobIsABuildBackendBothAcceptAndNeitherTakesTwoBackends) {
  for (int which : {3, 4}) {
    const Json doc = FullDocument(which);
    EXPECT_THAT(Errors(LoadJson(doc)), IsEmpty()) << which;
    EXPECT_TRUE(CheckDocument(doc).ok()) << which;
  }
  for (const char* build : {R"({"kubernetesJob": {"context": "dir:///w"}, "command": {"run": ["make"]}})",
                            R"({"githubActions": {"repository": "a/b", "workflow": "d.yml",
                                "inputs": {"b": "{{ .BuildID }}"}}, "kubernetesJob": {"args": ["x"]}})"}) {
    Json doc = FullDocument(1);
    doc.Find("spec")->Find("image")->Set("build", ParseJson(build));
    EXPECT_FALSE(Errors(LoadJson(doc)).empty()) << build;
    EXPECT_FALSE(CheckDocument(doc).ok()) << build;
  }
}

// The loader's only kubernetesJob default that depends on other fields: without args, kaniko's
// arguments are made from context and dockerfile (a rule no schema default can express; the
// "exactly one of args and context" that makes it safe is in the samples below).
TEST(CrdParity, WithoutArgsTheLoaderMakesKanikosArgumentsFromContextAndDockerfile) {
  const LoadResult loaded = LoadJson(FullDocument(4));
  ASSERT_THAT(Errors(loaded), IsEmpty()) << Render(loaded.diagnostics);
  const KubernetesJobBuild& job = *loaded.deployments.at(0).image.build->kubernetes_job;
  EXPECT_THAT(job.args, ElementsAre("--context=git://github.com/acme/parity#refs/tags/{{ .Version }}",
                                    "--dockerfile=Dockerfile", "--destination={{ .Image }}"));
  EXPECT_EQ(job.image, kDefaultKubernetesJobImage);
}

template <size_t N>
std::vector<std::string> ToStrings(const std::string_view (&values)[N]) {
  return std::vector<std::string>(std::begin(values), std::end(values));
}

TEST(CrdParity, EnumsListExactlyTheValuesOfDefaultsH) {
  EXPECT_THAT(Strings(Child(SchemaAt("spec.spaces[].hardware"), "enum")),
              ElementsAreArray(ToStrings(kHardwareFlavours)));
  EXPECT_THAT(Strings(Child(SchemaAt("spec.wrapper.platforms[]"), "enum")),
              ElementsAreArray(ToStrings(kPlatforms)));
  EXPECT_THAT(Strings(Child(SchemaAt("spec.spaces[].card.colorFrom"), "enum")),
              ElementsAreArray(ToStrings(kCardColours)));
  EXPECT_THAT(Strings(Child(SchemaAt("spec.spaces[].card.colorTo"), "enum")),
              ElementsAreArray(ToStrings(kCardColours)));
}

// Every enum value of the schema, wherever it is, loads; driftPolicy's values have no list in
// defaults.h, so this is what keeps them honest (with the samples below for a refused one).
TEST(CrdParity, EveryEnumValueOfTheSchemaLoads) {
  int values = 0;
  for (int which = 0; which < kFullDocuments; ++which) {
    const Json doc = FullDocument(which);
    for (const Location& at : Locations(doc)) {
      const YAML::Node allowed = Child(at.schema, "enum");
      if (!allowed.IsDefined()) continue;
      for (const YAML::Node& value : allowed) {
        ++values;
        Json probe = doc;
        if (!at.steps.empty() && at.steps.back().index >= 0) {
          // An item of a list without repeats: the list becomes that one value.
          Json list = Json::Array();
          list.Push(YamlToJson(value));
          SetAt(probe, std::vector<Step>(at.steps.begin(), at.steps.end() - 1), list);
        } else {
          SetAt(probe, at.steps, YamlToJson(value));
        }
        const LoadResult loaded = LoadJson(probe);
        EXPECT_THAT(Errors(loaded), IsEmpty())
            << at.field << " = " << Str(value) << Render(loaded.diagnostics);
      }
    }
  }
  EXPECT_GE(values, 40);
}

// ---------------------------------------------------------------------------------------------
// Patterns, bounds and the rules between fields, on sample values.

struct Sample {
  int document;
  std::string field;  // where the value goes; null removes it
  std::string value;  // JSON
  // Set when only Spaceport can judge: the loader must refuse and the schema accept. The reason
  // names the rule; the list is what docs/kubernetes.md "Rules only Spaceport checks" describes.
  const char* only_spaceport = nullptr;
};

std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::vector<Sample> Samples() {
  const char* kSemver = "semver range grammar";
  const char* kNames = "names in maps (keys are not values a 1.20 schema can check)";
  std::vector<Sample> s = {
      // metadata.name: an RFC 1123 label.
      {0, "metadata.name", R"("a")"},
      {0, "metadata.name", R"("grok2api-1")"},
      {0, "metadata.name", Quoted(Repeat("a", 63))},
      {0, "metadata.name", Quoted(Repeat("a", 64))},
      {0, "metadata.name", R"("-a")"},
      {0, "metadata.name", R"("a-")"},
      {0, "metadata.name", R"("Grok")"},
      {0, "metadata.name", R"("a.b")"},
      {0, "metadata.name", R"("a_b")"},
      // image.repository: the OCI reference grammar, host required, no tag or digest.
      {0, "spec.image.repository", R"("ghcr.io/o/a")"},
      {0, "spec.image.repository", R"("localhost/a")"},
      {0, "spec.image.repository", R"("localhost:5000/a/b")"},
      {0, "spec.image.repository", R"("registry:5000/a")"},
      {0, "spec.image.repository", R"("127.0.0.1:65535/a")"},
      {0, "spec.image.repository", R"("127.0.0.1:65536/a")"},
      {0, "spec.image.repository", R"("my-reg.example.com/a__b/c.d/e---f")"},
      {0, "spec.image.repository", R"("ghcr.io/o/a___b")"},
      {0, "spec.image.repository", R"("ghcr.io/o/a..b")"},
      {0, "spec.image.repository", R"("ghcr.io/o/-a")"},
      {0, "spec.image.repository", R"("ghcr.io/o/a-")"},
      {0, "spec.image.repository", R"("ghcr.io/O/a")"},
      {0, "spec.image.repository", R"("ghcr.io/o/a:v1")"},
      {0, "spec.image.repository", R"("ghcr.io/o/a@sha256:00")"},
      {0, "spec.image.repository", R"("o/a")"},
      {0, "spec.image.repository", R"("nginx")"},
      {0, "spec.image.repository", R"("ghcr.io")"},
      {0, "spec.image.repository", R"("ghcr.io//a")"},
      {0, "spec.image.repository", R"("ghcr.io/a/")"},
      {0, "spec.image.repository", R"("-gh.io/a")"},
      {0, "spec.image.repository", R"("gh_cr.io/a")"},
      {0, "spec.image.repository", R"("registry:/a")"},
      {0, "spec.image.repository", Quoted("ghcr.io/" + Repeat("a", 247))},
      {0, "spec.image.repository", Quoted("ghcr.io/" + Repeat("a", 248))},
      {0, "spec.image.repository", R"("")"},
      // image.version: a tag, and with the wrapper platform a wrapper tag of at most 128.
      {0, "spec.image.version", R"("v1.0.0")"},
      {0, "spec.image.version", R"("1.4")"},
      {0, "spec.image.version", R"("_x")"},
      {0, "spec.image.version", R"("main-abc_123")"},
      {0, "spec.image.version", R"(".hidden")"},
      {0, "spec.image.version", R"("-x")"},
      {0, "spec.image.version", R"("v1.0.0+build.7")"},
      {0, "spec.image.version", R"("")"},
      {0, "spec.image.version", Quoted(Repeat("a", 119))},
      {0, "spec.image.version", Quoted(Repeat("a", 123)), "the wrapper tag hf-PLATFORM-VERSION"},
      {0, "spec.image.version", Quoted(Repeat("a", 129))},
      // Exactly one of version and policy.
      {0, "spec.image.version", "null"},
      {0, "spec.image.policy", R"({"semver": "1.x"})"},
      {1, "spec.image.policy.semver", R"("^1.2.0 || >=3.0.0")"},
      {1, "spec.image.policy.semver", R"("")"},
      {1, "spec.image.policy.semver", R"("   ")"},
      {1, "spec.image.policy.semver", R"("=>1.0.0")", kSemver},
      {1, "spec.image.policy.semver", R"("1.x ||")", kSemver},
      {1, "spec.image.policy", R"({})"},
      // build: exactly one backend.
      {0, "spec.image.build", R"({})"},
      {0, "spec.image.build.command", R"({"run": ["make"]})"},
      {0, "spec.image.build.kubernetesJob", R"({"context": "dir:///workspace"})"},
      {1, "spec.image.build", R"({"kubernetesJob": {"context": "dir:///workspace"}})"},
      {1, "spec.image.build", R"({"kubernetesJob": {"args": ["--flag"]}})"},
      {1, "spec.image.build", R"({"kubernetesJob": {}})"},
      {1, "spec.image.build", R"({"kubernetesJob": {"image": "builder"}})"},
      // githubActions.repository: OWNER/REPO.
      {0, "spec.image.build.githubActions.repository", R"("a/b")"},
      {0, "spec.image.build.githubActions.repository", R"("Acme-1/my_repo.js")"},
      {0, "spec.image.build.githubActions.repository", R"("acme/.github")"},
      {0, "spec.image.build.githubActions.repository", R"("acme/...")"},
      {0, "spec.image.build.githubActions.repository", R"("acme/.")"},
      {0, "spec.image.build.githubActions.repository", R"("acme/..")"},
      {0, "spec.image.build.githubActions.repository", R"("acme")"},
      {0, "spec.image.build.githubActions.repository", R"("a/b/c")"},
      {0, "spec.image.build.githubActions.repository", R"("-acme/x")"},
      {0, "spec.image.build.githubActions.repository", R"("acme-/x")"},
      {0, "spec.image.build.githubActions.repository", R"("ac_me/x")"},
      {0, "spec.image.build.githubActions.repository", R"("acme/a b")"},
      {0, "spec.image.build.githubActions.repository", Quoted(Repeat("a", 39) + "/x")},
      {0, "spec.image.build.githubActions.repository", Quoted(Repeat("a", 40) + "/x")},
      {0, "spec.image.build.githubActions.repository", Quoted("a/" + Repeat("x", 100))},
      {0, "spec.image.build.githubActions.repository", Quoted("a/" + Repeat("x", 101))},
      // githubActions.workflow: a file name or a numeric id.
      {0, "spec.image.build.githubActions.workflow", R"("docker.yaml")"},
      {0, "spec.image.build.githubActions.workflow", R"("12345")"},
      {0, "spec.image.build.githubActions.workflow", R"("..yml")"},
      {0, "spec.image.build.githubActions.workflow", R"(".yml")"},
      {0, "spec.image.build.githubActions.workflow", R"(".yaml")"},
      {0, "spec.image.build.githubActions.workflow", R"("docker")"},
      {0, "spec.image.build.githubActions.workflow", R"("docker.YML")"},
      {0, "spec.image.build.githubActions.workflow", R"(".github/workflows/docker.yml")"},
      {0, "spec.image.build.githubActions.workflow", R"("")"},
      // githubActions.ref: a git ref.
      {0, "spec.image.build.githubActions.ref", R"("release/v1.2")"},
      {0, "spec.image.build.githubActions.ref", R"("a.lock")"},
      {0, "spec.image.build.githubActions.ref", R"("a@b")"},
      {0, "spec.image.build.githubActions.ref", R"("@")"},
      {0, "spec.image.build.githubActions.ref", R"("{x}")"},
      {0, "spec.image.build.githubActions.ref", R"("a.b.c")"},
      {0, "spec.image.build.githubActions.ref", R"("")"},
      {0, "spec.image.build.githubActions.ref", R"("-x")"},
      {0, "spec.image.build.githubActions.ref", R"("x/")"},
      {0, "spec.image.build.githubActions.ref", R"("x.")"},
      {0, "spec.image.build.githubActions.ref", R"(".")"},
      {0, "spec.image.build.githubActions.ref", R"("a..b")"},
      {0, "spec.image.build.githubActions.ref", R"("a@{1}")"},
      {0, "spec.image.build.githubActions.ref", R"("a@@{1}")"},
      {0, "spec.image.build.githubActions.ref", R"("a b")"},
      {0, "spec.image.build.githubActions.ref", R"("a\tb")"},
      {0, "spec.image.build.githubActions.ref", R"("a~1")"},
      {0, "spec.image.build.githubActions.ref", R"("a^")"},
      {0, "spec.image.build.githubActions.ref", R"("a:b")"},
      {0, "spec.image.build.githubActions.ref", R"("a?")"},
      {0, "spec.image.build.githubActions.ref", R"("a*")"},
      {0, "spec.image.build.githubActions.ref", R"("a[b")"},
      {0, "spec.image.build.githubActions.ref", R"("a\\b")"},
      {0, "spec.image.build.githubActions.ref", "\"a\x7f\""},
      // Placeholders in inputs and run arguments.
      {0, "spec.image.build.githubActions.inputs.version", R"("v{{.Version}}-x")"},
      {0, "spec.image.build.githubActions.inputs.version", "\"{{\\t.Image\\t}}{{ .Version }}\""},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{ .Version }}}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("a{b} }} {")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{ .version }}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{ .Tag }}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{ .Version")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{{ .Version }}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("a{{ .Version }}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{}}")"},
      {0, "spec.image.build.githubActions.inputs.version", R"("{{ .Version }")"},
      {0, "spec.image.build.githubActions.inputs.version", "\"{{ .Version\\n}}\""},
      {0, "spec.image.build.githubActions.inputs.build_id", R"("{{ .Version }}")",
       "one input passes {{ .BuildID }}"},
      {0, "spec.image.build.githubActions.inputs", R"({})"},
      {0, "spec.image.build.githubActions.inputs", "null"},
      {1, "spec.image.build.command.run[1]", R"("--id={{ .BuildID }}")"},
      {1, "spec.image.build.command.run[1]", R"("{{ .Images }}")"},
      {1, "spec.image.build.command.run", R"([])"},
      // kubernetesJob: the builder image, its arguments or context, names, quantities, bounds.
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/kaniko-project/executor:v1.23.2")"},
      {3, "spec.image.build.kubernetesJob.image", R"("moby/buildkit:rootless")"},
      {3, "spec.image.build.kubernetesJob.image", R"("busybox")"},
      {3, "spec.image.build.kubernetesJob.image", R"("localhost:5000/kaniko:debug")"},
      {3, "spec.image.build.kubernetesJob.image", R"("127.0.0.1:5000/k/e@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")"},
      {3, "spec.image.build.kubernetesJob.image", R"("registry:5000/k:v1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")"},
      {3, "spec.image.build.kubernetesJob.image", R"("ghcr.io/a/b:V1_x")"},
      {3, "spec.image.build.kubernetesJob.image", R"("a_b.c/d")"},
      {3, "spec.image.build.kubernetesJob.image", R"("my-reg.example.com/a__b/c.d/e---f")"},
      {3, "spec.image.build.kubernetesJob.image", R"("")"},
      {3, "spec.image.build.kubernetesJob.image", R"("Gcr.io/x")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/X")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x:")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x:-v1")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x:v1:v2")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x@sha256:abc")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io//x")"},
      {3, "spec.image.build.kubernetesJob.image", R"("gcr.io/x/")"},
      {3, "spec.image.build.kubernetesJob.image", R"("a b")"},
      {3, "spec.image.build.kubernetesJob.image", R"("127.0.0.1:65536/x")"},
      {3, "spec.image.build.kubernetesJob.image", R"("-a/b")"},
      {3, "spec.image.build.kubernetesJob.image", R"("a:5000")"},
      {3, "spec.image.build.kubernetesJob.image", Quoted("gcr.io/x:" + Repeat("t", 128))},
      {3, "spec.image.build.kubernetesJob.image", Quoted("gcr.io/x:" + Repeat("t", 129))},
      {3, "spec.image.build.kubernetesJob.args", R"([])"},
      {3, "spec.image.build.kubernetesJob.args[0]", R"("--build-arg=ID={{.BuildID}}")"},
      {3, "spec.image.build.kubernetesJob.args[0]", R"("{{ .Tag }}")"},
      {3, "spec.image.build.kubernetesJob.args[0]", R"("")"},
      {3, "spec.image.build.kubernetesJob.context", R"("dir:///workspace")"},
      {4, "spec.image.build.kubernetesJob.context", R"("")"},
      {4, "spec.image.build.kubernetesJob.context", R"("git://x#{{ .Versoin }}")"},
      {4, "spec.image.build.kubernetesJob.context", "null"},
      {4, "spec.image.build.kubernetesJob.args", R"(["--context=dir:///w"])"},
      {4, "spec.image.build.kubernetesJob.dockerfile", R"("docker/Dockerfile.prod")"},
      {4, "spec.image.build.kubernetesJob.dockerfile", R"("{{ .Version }}.Dockerfile")"},
      {4, "spec.image.build.kubernetesJob.dockerfile", R"("")"},
      {3, "spec.image.build.kubernetesJob.serviceAccountName", R"("kaniko.builder")"},
      {3, "spec.image.build.kubernetesJob.serviceAccountName", R"("Builder")"},
      {3, "spec.image.build.kubernetesJob.serviceAccountName", R"("a_b")"},
      {3, "spec.image.build.kubernetesJob.pushSecret", R"("regcred")"},
      {3, "spec.image.build.kubernetesJob.pushSecret", R"("reg cred")"},
      {3, "spec.image.build.kubernetesJob.namespace", R"("team-builds")"},
      {3, "spec.image.build.kubernetesJob.namespace", R"("a.b")"},
      {3, "spec.image.build.kubernetesJob.namespace", Quoted(Repeat("n", 64))},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("0.5")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"(".5")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("2.")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("1e3")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("1E")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("-1")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("m")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("1e")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("")"},
      {3, "spec.image.build.kubernetesJob.resources.requests.cpu", R"("1 m")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("1.5Gi")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("128974848")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("1Ki")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("1ki")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("1GB")"},
      {3, "spec.image.build.kubernetesJob.resources.limits.memory", R"("1e-3")"},
      {3, "spec.image.build.kubernetesJob.resources", R"({})"},
      {3, "spec.image.build.kubernetesJob.activeDeadlineSeconds", "1"},
      {3, "spec.image.build.kubernetesJob.activeDeadlineSeconds", "0"},
      {3, "spec.image.build.kubernetesJob.ttlSecondsAfterFinished", "0"},
      {3, "spec.image.build.kubernetesJob.ttlSecondsAfterFinished", "-1"},
      {3, "spec.image.build.kubernetesJob.ttlSecondsAfterFinished", "2147483647"},
      {3, "spec.image.build.kubernetesJob.ttlSecondsAfterFinished", "2147483648"},
      {3, "spec.image.build.kubernetesJob.runAsUser", "1"},
      {3, "spec.image.build.kubernetesJob.runAsUser", "0"},
      {3, "spec.image.build.kubernetesJob.runAsUser", "2147483648"},
      // Durations.
      {0, "spec.interval", R"("1h30m")"},
      {0, "spec.interval", R"("90s")"},
      {0, "spec.interval", R"("0h5m")"},
      {0, "spec.interval", R"("5s1h")"},
      {0, "spec.interval", R"("999999999999s")"},
      {0, "spec.interval", R"("1000000000000s")"},
      {0, "spec.interval", R"("0s")"},
      {0, "spec.interval", R"("0h0m00s")"},
      {0, "spec.interval", R"("1.5h")"},
      {0, "spec.interval", R"("5 minutes")"},
      {0, "spec.interval", R"("300")"},
      {0, "spec.interval", R"("5ms")"},
      {0, "spec.interval", R"("1d")"},
      {0, "spec.interval", R"("-5m")"},
      {0, "spec.interval", R"("")"},
      {1, "spec.image.build.command.timeout", R"("2h")"},
      {1, "spec.image.build.command.timeout", R"("0m")"},
      {1, "spec.image.build.command.timeout", R"("30")"},
      // Secret sources.
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", R"("a.b-c")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", Quoted(Repeat("a", 63))},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", Quoted(Repeat("a", 64))},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name",
       Quoted(Repeat(Repeat("a", 63) + ".", 3) + Repeat("a", 61))},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name",
       Quoted(Repeat(Repeat("a", 63) + ".", 3) + Repeat("a", 62))},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", R"("Grok")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", R"("a..b")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", R"("a_b")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.name", R"("")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.key", R"("tls.crt_A-1")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.key", R"("a/b")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.key", R"("")"},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef.key", Quoted(Repeat("k", 254))},
      {0, "spec.spaces[0].secrets.API_KEY.secretKeyRef", R"({"name": "a"})"},
      {0, "spec.image.build.githubActions.token.secretKeyRef.key", R"("a b")"},
      {2, "spec.image.build.githubActions.token.fromEnv", R"("_TOKEN2")"},
      {2, "spec.image.build.githubActions.token.fromEnv", R"("2FA")"},
      {2, "spec.image.build.githubActions.token.fromEnv", R"("GH-TOKEN")"},
      {2, "spec.image.build.githubActions.token", R"({})"},
      {1, "spec.spaces[0].secrets.API_KEY.fromEnv", R"("")"},
      {1, "spec.spaces[0].secrets.API_KEY", R"({})"},
      {1, "spec.spaces[0].secrets.API_KEY",
       R"({"fromEnv": "X", "secretKeyRef": {"name": "a", "key": "b"}})"},
      {1, "spec.spaces[0].secrets.log-level", R"({"fromEnv": "X"})", kNames},
      {1, "spec.spaces[0].secrets.LOG_LEVEL", R"({"fromEnv": "X"})",
       "a name is either a variable or a secret"},
      {0, "spec.spaces[0].variables.2FA", R"("on")", kNames},
      {0, "spec.wrapper.env.MY-VAR", R"("x")", kNames},
      // The wrapper.
      {0, "spec.wrapper.port", "1"},
      {0, "spec.wrapper.port", "65535"},
      {0, "spec.wrapper.port", "0"},
      {0, "spec.wrapper.port", "65536"},
      {0, "spec.wrapper.port", "-1"},
      {0, "spec.wrapper.env.PORT", R"("8080")", "PORT must equal port"},
      {0, "spec.wrapper.env.PORT", R"("7860")"},
      {0, "spec.wrapper.platforms", R"(["arm/v7", "386"])"},
      {0, "spec.wrapper.platforms", R"(["amd64", "amd64"])"},
      {0, "spec.wrapper.platforms", R"(["linux/amd64"])"},
      {0, "spec.wrapper.platforms", R"([])"},
      // Spaces.
      {0, "spec.spaces", R"([])"},
      {0, "spec.spaces", R"([{"id": "a/b"}, {"id": "a/b"}])"},
      {0, "spec.spaces", R"([{"id": "a/b"}, {"id": "A/B"}])",
       "a Space listed twice (ids compare case-insensitively)"},
      {0, "spec.spaces[0].id", R"("Acme/App_1")"},
      {0, "spec.spaces[0].id", R"("acme/app-x.y_z")"},
      {0, "spec.spaces[0].id", R"("acme/a-.-b")"},
      {0, "spec.spaces[0].id", R"("acme/a_")"},
      {0, "spec.spaces[0].id", R"("1/2")"},
      {0, "spec.spaces[0].id", Quoted("acme/" + Repeat("n", 96))},
      {0, "spec.spaces[0].id", Quoted("acme/" + Repeat("n", 97))},
      {0, "spec.spaces[0].id", Quoted(Repeat("o", 200) + "/n")},
      {0, "spec.spaces[0].id", R"("acme/a--b")"},
      {0, "spec.spaces[0].id", R"("acme/a..b")"},
      {0, "spec.spaces[0].id", R"("acme/a-")"},
      {0, "spec.spaces[0].id", R"("acme/a.")"},
      {0, "spec.spaces[0].id", R"("acme/_a")"},
      {0, "spec.spaces[0].id", R"("-acme/a")"},
      {0, "spec.spaces[0].id", R"("acme")"},
      {0, "spec.spaces[0].id", R"("a/b/c")"},
      {0, "spec.spaces[0].id", R"("acme/a b")"},
      {0, "spec.spaces[0].id", R"("/a")"},
      {0, "spec.spaces[0].sleepTimeSeconds", "0"},
      {0, "spec.spaces[0].sleepTimeSeconds", "-1"},
      {0, "spec.spaces[0].health.timeoutSeconds", "1"},
      {0, "spec.spaces[0].health.timeoutSeconds", "0"},
      {0, "spec.spaces[0].health.path", R"("/")"},
      {0, "spec.spaces[0].health.path", R"("health")"},
      {0, "spec.spaces[0].health.path", R"("")"},
      {0, "spec.spaces[0].hardware", R"("a10g-smal")"},
      {0, "spec.spaces[0].hardware", R"("h100")"},
      {0, "spec.spaces[0].card.colorTo", R"("teal")"},
      {0, "spec.spaces[0].card.shortDescription", Quoted(Repeat("d", 60))},
      {0, "spec.spaces[0].card.shortDescription", Quoted(Repeat("d", 61))},
      {0, "spec.spaces[0].card.shortDescription", Quoted(Repeat("\u00e9", 60))},
      {0, "spec.spaces[0].card.shortDescription", Quoted(Repeat("\u00e9", 61))},
      {0, "spec.spaces[0].card.title", R"("")"},
      {0, "spec.driftPolicy", R"("ignore")"},
      {0, "spec.driftPolicy", R"("Correct")"},
  };
  return s;
}

TEST(CrdParity, PatternsBoundsAndRulesAgreeWithTheLoaderOnSampleValues) {
  int agreeing = 0, only_spaceport = 0;
  for (const Sample& sample : Samples()) {
    Json doc = FullDocument(sample.document);
    SetAt(doc, StepsOf(sample.field), ParseJson(sample.value));
    const LoadResult loaded = LoadJson(doc);
    const bool loader_ok = Errors(loaded).empty();
    const Verdict verdict = CheckDocument(doc);
    const std::string what = sample.field + " = " + sample.value;
    if (sample.only_spaceport != nullptr) {
      ++only_spaceport;
      EXPECT_FALSE(loader_ok) << what << " (" << sample.only_spaceport << ")";
      EXPECT_TRUE(verdict.ok()) << what << " is listed as a rule only Spaceport checks ("
                                << sample.only_spaceport << "), but the schema refuses it";
    } else {
      ++agreeing;
      EXPECT_EQ(loader_ok, verdict.ok())
          << what << ": the loader " << (loader_ok ? "accepts" : "refuses") << " it, the schema "
          << (verdict.ok() ? "accepts" : "refuses") << " it" << Render(Errors(loaded))
          << (verdict.errors.empty() ? "" : "\n  schema: " + verdict.errors.front());
    }
  }
  EXPECT_GE(agreeing, 150);
  EXPECT_GE(only_spaceport, 8);
}

// ---------------------------------------------------------------------------------------------
// Defaults.

// Everything the loader produces, positions aside, as text to compare.
std::string Describe(const SpaceDeployment& d) {
  std::ostringstream o;
  const auto source = [&](const SecretSource& s) {
    if (s.secret_key_ref) o << "ref:" << s.secret_key_ref->name << "/" << s.secret_key_ref->key;
    if (s.from_env) o << "env:" << *s.from_env;
    o << ";";
  };
  o << d.api_version << "|" << d.namespace_ << "/" << d.name << "|labels:";
  for (const auto& [k, v] : d.labels) o << k << "=" << v << ",";
  o << "|annotations:";
  for (const auto& [k, v] : d.annotations) o << k << "=" << v << ",";
  o << "\nimage:" << d.image.repository << "|" << d.image.version.value_or("-") << "|"
    << d.image.semver.value_or("-");
  if (d.image.build && d.image.build->github_actions) {
    const GithubActionsBuild& g = *d.image.build->github_actions;
    o << "\ngha:" << g.repository << "|" << g.workflow << "|" << g.ref << "|";
    for (const auto& [k, v] : g.inputs) o << k << "=" << v << ",";
    if (g.token) source(*g.token);
  }
  if (d.image.build && d.image.build->command) {
    const CommandBuild& c = *d.image.build->command;
    o << "\ncommand:";
    for (const std::string& arg : c.run) o << arg << " ";
    o << "|" << c.timeout.seconds << "s=" << c.timeout.text;
  }
  if (d.image.build && d.image.build->kubernetes_job) {
    const KubernetesJobBuild& k = *d.image.build->kubernetes_job;
    const auto amounts = [&](const ResourceAmounts& a) {
      o << a.cpu.value_or("-") << "," << a.memory.value_or("-") << ";";
    };
    o << "\njob:" << k.image << "|";
    for (const std::string& arg : k.args) o << arg << " ";
    o << "|" << k.context.value_or("-") << "|" << k.dockerfile << "|"
      << k.service_account_name.value_or("-") << "|";
    amounts(k.resources.requests);
    amounts(k.resources.limits);
    o << "|" << k.active_deadline_seconds << "|" << k.ttl_seconds_after_finished << "|"
      << k.push_secret.value_or("-") << "|" << k.namespace_.value_or("-") << "|"
      << (k.run_as_user ? std::to_string(*k.run_as_user) : "-");
  }
  o << "\nwrapper:";
  for (const std::string& p : d.wrapper.platforms) o << p << ",";
  o << "|";
  for (const auto& [k, v] : d.wrapper.env) o << k << "=" << v << ",";
  o << "|" << d.wrapper.port;
  for (const SpaceSpec& s : d.spaces) {
    o << "\nspace:" << s.id << "|" << s.create << s.is_private << "|" << s.hardware.value_or("-")
      << "|" << (s.sleep_time_seconds ? std::to_string(*s.sleep_time_seconds) : "-") << "|";
    if (s.variables) {
      for (const auto& [k, v] : *s.variables) o << k << "=" << v << ",";
    } else {
      o << "unmanaged";
    }
    o << "|";
    if (s.secrets) {
      for (const auto& [k, v] : *s.secrets) {
        o << k << ":";
        source(v);
      }
    } else {
      o << "unmanaged";
    }
    o << "|health:" << s.health.path << "," << s.health.timeout_seconds << "|card:"
      << s.card.title.value_or("-") << s.card.emoji.value_or("-") << s.card.color_from.value_or("-")
      << s.card.color_to.value_or("-") << s.card.short_description.value_or("-")
      << s.card.license.value_or("-") << (s.card.pinned ? (*s.card.pinned ? "1" : "0") : "-");
  }
  o << "\n" << to_string(d.drift_policy) << "|" << d.suspend << "|" << d.interval.seconds << "s="
    << d.interval.text;
  return o.str();
}

// Documents that leave out every field with a default (the parents of defaults are present).
std::vector<Json> SparseDocuments() {
  return {
      ParseJson(R"({"apiVersion": "spaceport.dev/v1alpha1", "kind": "SpaceDeployment",
        "metadata": {"name": "sparse"},
        "spec": {"image": {"repository": "ghcr.io/acme/sparse", "version": "v1"},
                 "spaces": [{"id": "acme/sparse"}]}})"),
      ParseJson(R"({"apiVersion": "spaceport.dev/v1alpha1", "kind": "SpaceDeployment",
        "metadata": {"name": "sparse-gha"},
        "spec": {"image": {"repository": "ghcr.io/acme/sparse", "version": "v1",
                           "build": {"githubActions": {"repository": "acme/sparse",
                             "workflow": "docker.yml", "inputs": {"id": "{{ .BuildID }}"}}}},
                 "wrapper": {"env": {"DEBUG": "1"}},
                 "spaces": [{"id": "acme/sparse", "health": {"path": "/health"}}]}})"),
      ParseJson(R"({"apiVersion": "spaceport.dev/v1alpha1", "kind": "SpaceDeployment",
        "metadata": {"name": "sparse-command"},
        "spec": {"image": {"repository": "ghcr.io/acme/sparse", "policy": {"semver": "*"},
                           "build": {"command": {"run": ["make"]}}},
                 "wrapper": {"port": 8080},
                 "spaces": [{"id": "acme/sparse"}, {"id": "acme/sparse-2"}]}})"),
      ParseJson(R"({"apiVersion": "spaceport.dev/v1alpha1", "kind": "SpaceDeployment",
        "metadata": {"name": "sparse-job"},
        "spec": {"image": {"repository": "ghcr.io/acme/sparse", "version": "v1",
                           "build": {"kubernetesJob": {
                             "context": "git://github.com/acme/sparse#refs/tags/{{ .Version }}"}}},
                 "spaces": [{"id": "acme/sparse"}]}})"),
  };
}

std::set<std::string> SchemaDefaultPaths() {
  std::set<std::string> all, with_default;
  SchemaPaths(RootSchema(), "", &all);
  for (const std::string& path : all) {
    if (!path.empty() && Has(SchemaAt(path), "default")) with_default.insert(path);
  }
  return with_default;
}

// What the apiserver stores after defaulting loads as the same deployment as what was written.
TEST(CrdDefaults, EverySchemaDefaultIsWhatTheLoaderAppliesWhenTheFieldIsLeftOut) {
  std::set<std::string> applied;
  for (const Json& sparse : SparseDocuments()) {
    Json defaulted = sparse;
    ApplyDefaults(RootSchema(), defaulted, "", &applied);
    const LoadResult as_written = LoadJson(sparse);
    const LoadResult as_stored = LoadJson(defaulted);
    ASSERT_THAT(Errors(as_written), IsEmpty()) << Render(as_written.diagnostics);
    ASSERT_THAT(Errors(as_stored), IsEmpty()) << defaulted.Dump(2) << Render(as_stored.diagnostics);
    ASSERT_EQ(as_written.deployments.size(), 1u);
    ASSERT_EQ(as_stored.deployments.size(), 1u);
    EXPECT_EQ(Describe(as_written.deployments[0]), Describe(as_stored.deployments[0]))
        << "defaulted by the schema:\n" << defaulted.Dump(2);
    EXPECT_THAT(CheckDocument(defaulted).errors, IsEmpty());
  }
  EXPECT_EQ(applied, SchemaDefaultPaths()) << "a schema default that no sparse document exercises";
}

// docs/spacedeployment.md's Defaults table is pinned to defaults.h (defaults_test.cpp); each
// row is a schema default with the same value, but for two the schema cannot hold.
TEST(CrdDefaults, TheDocumentedDefaultsAreSchemaDefaultsExceptNamespaceAndWrapperEnv) {
  const std::string doc = Slurp("docs/spacedeployment.md");
  const size_t start = doc.find("\n## Defaults\n");
  ASSERT_NE(start, std::string::npos);
  const std::string section = doc.substr(start, doc.find("\n## ", start + 5) - start);
  std::map<std::string, Json> documented;
  std::istringstream lines(section);
  std::string line;
  static const std::regex kRow(R"(^\| `([^`]+)` \| `([^`]+)` \|$)");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, kRow)) documented[m[1]] = YamlToJson(YAML::Load(m[2].str()));
  }
  ASSERT_GE(documented.size(), 10u);

  // metadata.namespace comes from the request (kubectl -n); the default wrapper env's PORT
  // follows wrapper.port, which a static default cannot express (a schema default PORT=7860
  // would contradict port: 8080).
  EXPECT_EQ(documented.erase("metadata.namespace"), 1u);
  EXPECT_EQ(documented.erase("spec.wrapper.env"), 1u);
  std::set<std::string> leaf_defaults;
  for (const std::string& path : SchemaDefaultPaths()) {
    // Object defaults ({}) exist so that the defaults inside them apply to a left-out parent.
    if (Str(Child(SchemaAt(path), "type")) != "object") leaf_defaults.insert(path);
  }
  std::set<std::string> documented_paths;
  for (const auto& [path, value] : documented) {
    documented_paths.insert(path);
    EXPECT_EQ(YamlToJson(Child(SchemaAt(path), "default")), value) << path;
  }
  EXPECT_EQ(documented_paths, leaf_defaults);
}

// ---------------------------------------------------------------------------------------------
// The structural-schema rules of the apiserver (kubernetes-testing.md §3.3), checked offline.

struct Problem {
  std::vector<std::string>* out;
  void operator()(const std::string& where, const std::string& what) const {
    out->push_back((where.empty() ? "<root>" : where) + ": " + what);
  }
};

void CheckStructural(const YAML::Node& s, const std::string& path, bool in_junctor,
                     const Problem& problem) {
  if (!IsMap(s)) {
    problem(path, "is not a schema object");
    return;
  }
  for (const char* forbidden : {"$ref", "definitions", "dependencies", "additionalItems",
                                "patternProperties", "id", "$schema", "x-kubernetes-validations"}) {
    if (Has(s, forbidden)) problem(path, std::string(forbidden) + " is not allowed");
  }
  if (Str(Child(s, "uniqueItems")) == "true") problem(path, "uniqueItems: true is forbidden");
  if (Has(s, "x-kubernetes-preserve-unknown-fields") &&
      Str(Child(s, "x-kubernetes-preserve-unknown-fields")) != "true") {
    problem(path, "x-kubernetes-preserve-unknown-fields: false is rejected");
  }
  if (Has(s, "properties") && Has(s, "additionalProperties")) {
    problem(path, "properties and additionalProperties are mutually exclusive");
  }
  if (Str(Child(s, "type")) == "null") problem(path, "type null is forbidden");
  if (in_junctor) {
    for (const char* key : {"type", "default", "description", "additionalProperties", "nullable"}) {
      if (Has(s, key)) problem(path, std::string(key) + " inside allOf/anyOf/oneOf/not");
    }
  } else {
    const bool typed = Has(s, "type") || Has(s, "x-kubernetes-int-or-string") ||
                       Has(s, "x-kubernetes-preserve-unknown-fields");
    if (!typed) problem(path, "has no type");
    if (Str(Child(s, "type")) == "array" && !Has(s, "items")) problem(path, "array without items");
    if (Has(s, "default")) {
      Verdict verdict;
      Check(s, YamlToJson(Child(s, "default")), path + ".default", verdict);
      for (const std::string& e : verdict.errors) problem(path, "invalid default: " + e);
      for (const std::string& p : verdict.pruned) problem(path, "default would be pruned: " + p);
    }
    if (Str(Child(s, "x-kubernetes-list-type")) == "map") {
      const YAML::Node items = Child(s, "items");
      const std::set<std::string> required = SetOf(Strings(Child(items, "required")));
      for (const std::string& key : Strings(Child(s, "x-kubernetes-list-map-keys"))) {
        if (!required.count(key) && !Has(Child(Child(items, "properties"), key), "default")) {
          problem(path, "list-map key " + key + " is neither required nor defaulted");
        }
      }
    }
  }
  // A property a junctor names (in properties or required) must be declared outside it; the
  // problems below name the undeclared ones.
  const std::set<std::string> declared = SetOf(KeysOf(Child(s, "properties")));
  for (const char* junctor : {"allOf", "anyOf", "oneOf"}) {
    const YAML::Node list = Child(s, junctor);
    for (size_t i = 0; i < SizeOf(list); ++i) {
      const YAML::Node sub = Item(list, i);
      for (const std::string& name : KeysOf(Child(sub, "properties"))) {
        if (!declared.count(name)) problem(path, std::string(junctor) + " names " + name);
      }
      for (const std::string& name : Strings(Child(sub, "required"))) {
        if (!declared.count(name)) problem(path, std::string(junctor) + " requires " + name);
      }
      CheckStructural(sub, path + "." + junctor + "[" + std::to_string(i) + "]", true, problem);
    }
  }
  if (Has(s, "not")) {
    for (const std::string& name : Strings(Child(Child(s, "not"), "required"))) {
      if (!declared.count(name)) problem(path, "not requires undeclared " + name);
    }
    CheckStructural(Child(s, "not"), path + ".not", true, problem);
  }
  for (const auto& entry : Child(s, "properties")) {
    CheckStructural(entry.second, Join(path, entry.first.Scalar()), in_junctor, problem);
  }
  if (Has(s, "items")) CheckStructural(Child(s, "items"), path + "[]", in_junctor, problem);
  if (IsMap(Child(s, "additionalProperties"))) {
    CheckStructural(Child(s, "additionalProperties"), Join(path, "*"), in_junctor, problem);
  }
}

TEST(CrdStructure, IsAStructuralSchemaTheApiserverAccepts) {
  std::vector<std::string> problems;
  const YAML::Node root = RootSchema();
  ASSERT_TRUE(IsMap(root)) << "no openAPIV3Schema in " << kCrdFile;
  EXPECT_EQ(Str(Child(root, "type")), "object");
  EXPECT_FALSE(Has(root, "additionalProperties"));
  CheckStructural(root, "", false, Problem{&problems});
  EXPECT_THAT(problems, IsEmpty());

  // The root's metadata may restrict only name and generateName and carry nothing else: the
  // 1.20 apiserver refuses even a description there, which is why it alone has none.
  const YAML::Node metadata = SchemaAt("metadata");
  std::vector<std::string> keys = KeysOf(metadata);
  std::sort(keys.begin(), keys.end());
  EXPECT_THAT(keys, ElementsAre("properties", "type"));
  for (const std::string& name : KeysOf(Child(metadata, "properties"))) {
    EXPECT_TRUE(name == "name" || name == "generateName") << name;
  }
  EXPECT_EQ(Str(Child(SchemaAt("apiVersion"), "type")), "string");
  EXPECT_EQ(Str(Child(SchemaAt("kind"), "type")), "string");
}

TEST(CrdStructure, ExactlyOneStorageVersionAndTheNameIsPluralDotGroup) {
  const YAML::Node spec = Child(Crd(), "spec");
  EXPECT_EQ(Str(Child(Crd(), "apiVersion")), "apiextensions.k8s.io/v1");
  EXPECT_EQ(Str(Child(Crd(), "kind")), "CustomResourceDefinition");
  EXPECT_EQ(Str(Child(Child(Crd(), "metadata"), "name")),
            Str(Child(Child(spec, "names"), "plural")) + "." + Str(Child(spec, "group")));
  int storage = 0;
  for (const YAML::Node& version : Child(spec, "versions")) {
    storage += Str(Child(version, "storage")) == "true" ? 1 : 0;
  }
  EXPECT_EQ(storage, 1);
}

void CheckDescriptions(const YAML::Node& s, const std::string& path, bool described,
                       std::vector<std::string>* missing) {
  if (described && Str(Child(s, "description")).empty()) missing->push_back(path);
  for (const auto& entry : Child(s, "properties")) {
    const std::string name = entry.first.Scalar();
    // The root's metadata may not have one (see IsAStructuralSchemaTheApiserverAccepts).
    CheckDescriptions(entry.second, Join(path, name), !(path.empty() && name == "metadata"),
                      missing);
  }
  if (IsMap(Child(s, "items"))) CheckDescriptions(Child(s, "items"), path + "[]", false, missing);
  if (IsMap(Child(s, "additionalProperties"))) {
    CheckDescriptions(Child(s, "additionalProperties"), Join(path, "*"), true, missing);
  }
}

TEST(CrdStructure, EveryPropertyHasADescriptionForKubectlExplain) {
  std::vector<std::string> missing;
  CheckDescriptions(RootSchema(), "", true, &missing);
  EXPECT_THAT(missing, IsEmpty());
}

void CollectPatterns(const YAML::Node& node, std::vector<std::string>* out) {
  if (node.IsMap()) {
    for (const auto& entry : node) {
      if (entry.first.Scalar() == "pattern") out->push_back(Str(entry.second));
      CollectPatterns(entry.second, out);
    }
  } else if (node.IsSequence()) {
    for (const YAML::Node& item : node) CollectPatterns(item, out);
  }
}

// The apiserver compiles patterns with Go's RE2 when it validates an object: lookarounds and
// backreferences would make every object with that field invalid. The same patterns run here
// through std::regex, so they must also mean the same thing in ECMAScript.
TEST(CrdStructure, PatternsUseOnlySyntaxGoRe2Accepts) {
  std::vector<std::string> patterns;
  CollectPatterns(RootSchema(), &patterns);
  ASSERT_GE(patterns.size(), 15u);
  static const std::regex kUnsupported(R"(\(\?[=!<>]|\\[1-9]|[*+?}][+])");
  static const std::regex kCount(R"(\{([0-9]+)(,([0-9]*))?\})");
  for (const std::string& pattern : patterns) {
    EXPECT_FALSE(std::regex_search(pattern, kUnsupported)) << pattern;
    for (std::sregex_iterator it(pattern.begin(), pattern.end(), kCount), end; it != end; ++it) {
      EXPECT_LE(std::stoi((*it)[1]), 1000) << pattern;  // RE2's repeat limit
      if ((*it)[3].length() > 0) {
        EXPECT_LE(std::stoi((*it)[3]), 1000) << pattern;
      }
    }
    EXPECT_NO_THROW(std::regex{pattern}) << pattern;
  }
}

// ---------------------------------------------------------------------------------------------
// Names, printer columns and status.

TEST(CrdNames, SpaceDeploymentIsNamespacedWithShortNameSpdInCategorySpaceport) {
  const YAML::Node spec = Child(Crd(), "spec");
  const YAML::Node names = Child(spec, "names");
  EXPECT_EQ(Str(Child(spec, "group")), "spaceport.dev");
  EXPECT_EQ(Str(Child(spec, "scope")), "Namespaced");
  EXPECT_EQ(Str(Child(names, "kind")), std::string(kKind));
  EXPECT_EQ(Str(Child(names, "listKind")), "SpaceDeploymentList");
  EXPECT_EQ(Str(Child(names, "plural")), "spacedeployments");
  EXPECT_EQ(Str(Child(names, "singular")), "spacedeployment");
  EXPECT_THAT(Strings(Child(names, "shortNames")), ElementsAre("spd"));
  EXPECT_THAT(Strings(Child(names, "categories")), ElementsAre("spaceport"));
  EXPECT_EQ(SizeOf(Child(spec, "versions")), 1u);
  EXPECT_EQ(Str(Child(spec, "group")) + "/" + Str(Child(Version(), "name")),
            std::string(kApiVersion));
  EXPECT_EQ(Str(Child(Version(), "served")), "true");
  EXPECT_EQ(Str(Child(Version(), "storage")), "true");
  const YAML::Node status = Child(Child(Version(), "subresources"), "status");
  EXPECT_TRUE(IsMap(status) && SizeOf(status) == 0) << "subresources: {status: {}}";
}

// The schema path a simple printer-column JSONPath reads (".spec.spaces[*].id" →
// "spec.spaces[].id"), so a column cannot point at a field that does not exist.
std::string SchemaPathOfJsonPath(std::string json_path) {
  json_path = std::regex_replace(json_path, std::regex(R"(\[[^\]]*\])"), "[]");
  std::string out = json_path.substr(1);
  return std::regex_replace(out, std::regex(R"(\[\]\.)"), "[].");
}

TEST(CrdPrinterColumns, ShowReadyStatusVersionSpacesAndAgeLikeFlux) {
  const YAML::Node columns = Child(Version(), "additionalPrinterColumns");
  std::vector<std::string> names, types, paths;
  for (const YAML::Node& column : columns) {
    names.push_back(Str(Child(column, "name")));
    types.push_back(Str(Child(column, "type")));
    paths.push_back(Str(Child(column, "jsonPath")));
  }
  EXPECT_THAT(names, ElementsAre("Ready", "Status", "Version", "Spaces", "Age"));
  EXPECT_THAT(types, ElementsAre("string", "string", "string", "string", "date"));
  EXPECT_THAT(paths, ElementsAre(R"(.status.conditions[?(@.type=="Ready")].status)",
                                 R"(.status.conditions[?(@.type=="Ready")].message)",
                                 ".status.resolvedVersion", ".spec.spaces[*].id",
                                 ".metadata.creationTimestamp"));
  for (const std::string& path : paths) {
    if (path.starts_with(".metadata.")) continue;  // ObjectMeta, not in the schema
    const YAML::Node field = SchemaAt(SchemaPathOfJsonPath(path));
    EXPECT_EQ(Str(Child(field, "type")), "string") << path << " → " << SchemaPathOfJsonPath(path);
  }
}

// docs/status.md's example is exactly what runtime::ToJson writes for a status with every list
// filled (tests/runtime/deployment_status_test.cpp pins that), so a key ToJson learns reaches
// this test through the page, and a key missing from the schema would be pruned by the server.
Json StatusExample() {
  const std::string page = Slurp("docs/status.md");
  const size_t start = page.find("```json\n");
  const size_t end = page.find("\n```", start);
  if (start == std::string::npos || end == std::string::npos) return Json();
  return ParseJson(page.substr(start + 8, end - start - 8));
}

// Object keys must be the schema's properties, both ways; arrays are walked through item 0.
void CompareKeys(const YAML::Node& s, const Json& v, const std::string& path,
                 std::vector<std::string>* differences) {
  if (v.is_object()) {
    std::set<std::string> keys;
    for (const Json::Member& m : v.Members()) {
      keys.insert(m.first);
      CompareKeys(Child(Child(s, "properties"), m.first), m.second, Join(path, m.first),
                  differences);
    }
    for (const std::string& name : KeysOf(Child(s, "properties"))) {
      if (!keys.count(name)) differences->push_back(Join(path, name) + " only in the schema");
    }
    for (const std::string& key : keys) {
      if (!Has(Child(s, "properties"), key)) {
        differences->push_back(Join(path, key) + " missing from the schema");
      }
    }
  } else if (v.is_array() && v.size() > 0) {
    CompareKeys(Child(s, "items"), v.At(0), path + "[]", differences);
  }
}

TEST(CrdStatus, EveryKeyToJsonWritesIsInTheStatusSchemaWithItsTypeAndNothingElseIs) {
  Json status = StatusExample();
  ASSERT_TRUE(status.is_object()) << "no ```json example in docs/status.md";
  ASSERT_GE(status.size(), 18u);
  // The two fields only Kubernetes mode adds (runtime/kube_status_store.h), and a condition's
  // optional observedGeneration (metav1.Condition).
  status.Set("observedGeneration", Json(int64_t{3}));
  status.Set("lastHandledReconcileAt", Json("2026-01-01T00:00:00Z"));
  status.Find("conditions")->At(0).Set("observedGeneration", Json(int64_t{3}));

  const YAML::Node schema = SchemaAt("status");
  Verdict verdict;
  Check(schema, status, "status", verdict);
  EXPECT_THAT(verdict.errors, IsEmpty());
  EXPECT_THAT(verdict.pruned, IsEmpty()) << "the apiserver would drop these from the status";
  std::vector<std::string> differences;
  CompareKeys(schema, status, "status", &differences);
  EXPECT_THAT(differences, IsEmpty());

  EXPECT_EQ(Str(Child(SchemaAt("status.observedGeneration"), "type")), "integer");
  EXPECT_EQ(Str(Child(SchemaAt("status.observedGeneration"), "format")), "int64");
  EXPECT_EQ(Str(Child(SchemaAt("status.lastHandledReconcileAt"), "type")), "string");
}

TEST(CrdStatus, ConditionsHaveTheMetav1ConditionShapeKeyedByType) {
  const YAML::Node conditions = SchemaAt("status.conditions");
  EXPECT_EQ(Str(Child(conditions, "x-kubernetes-list-type")), "map");
  EXPECT_THAT(Strings(Child(conditions, "x-kubernetes-list-map-keys")), ElementsAre("type"));
  const YAML::Node item = Child(conditions, "items");
  EXPECT_THAT(KeysOf(Child(item, "properties")),
              ElementsAre("type", "status", "reason", "message", "lastTransitionTime",
                          "observedGeneration"));
  EXPECT_THAT(Strings(Child(item, "required")), ElementsAre("type", "status"));
  EXPECT_THAT(Strings(Child(SchemaAt("status.conditions[].status"), "enum")),
              ElementsAre("True", "False", "Unknown"));
  EXPECT_EQ(Str(Child(SchemaAt("status.conditions[].observedGeneration"), "format")), "int64");
  Verdict maybe;
  Check(item, ParseJson(R"({"type": "Ready", "status": "Maybe"})"), "c", maybe);
  EXPECT_FALSE(maybe.ok());
}

// The loader reads what the apiserver serves (`kubectl get spd NAME -o yaml`): the metadata the
// server adds and the status are accepted and ignored. Metadata is Kubernetes' ObjectMeta, so
// the field comparison above skips it; these are the fields the apiserver writes there.
TEST(CrdParity, MetadataIsObjectMetaAndTheLoaderAcceptsWhatTheApiserverAdds) {
  Json doc = FullDocument(0);
  Json& metadata = *doc.Find("metadata");
  metadata.Set("uid", Json("6f1c"));
  metadata.Set("resourceVersion", Json("42"));
  metadata.Set("generation", Json(int64_t{2}));
  metadata.Set("creationTimestamp", Json("2026-01-01T00:00:00Z"));
  metadata.Set("deletionTimestamp", Json("2026-01-02T00:00:00Z"));
  metadata.Set("deletionGracePeriodSeconds", Json(int64_t{0}));
  metadata.Set("finalizers", ParseJson(R"(["spaceport.dev/cleanup"])"));
  metadata.Set("ownerReferences", ParseJson(R"([{"kind": "X", "name": "y"}])"));
  metadata.Set("managedFields", ParseJson(R"([{"manager": "kubectl"}])"));
  metadata.Set("generateName", Json("parity-"));
  metadata.Set("selfLink", Json("/apis/spaceport.dev/v1alpha1/x"));
  Json status = StatusExample();
  status.Set("observedGeneration", Json(int64_t{2}));
  doc.Set("status", status);
  const LoadResult loaded = LoadJson(doc);
  EXPECT_THAT(Errors(loaded), IsEmpty()) << Render(loaded.diagnostics);
  EXPECT_TRUE(CheckDocument(doc).ok());
}

}  // namespace
}  // namespace spaceport::spec
