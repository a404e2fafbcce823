// spec.spaces: the Hugging Face Spaces that run the wrapper image, and how each is configured.
#include <algorithm>
#include <unordered_map>

#include "spec/default_values.h"
#include "spec/defaults.h"
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/quote.h"
#include "spec/suggest.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

// The Hub refuses a README whose short_description is longer than this (in characters).
constexpr size_t kMaxShortDescription = 60;

template <size_t N>
bool OneOf(std::string_view value, const std::string_view (&allowed)[N]) {
  return std::find(std::begin(allowed), std::end(allowed), value) != std::end(allowed);
}

void ReadHardware(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                  SpaceSpec* out) {
  auto text = ReadString(sink, node, path);
  if (!text) return;
  if (!OneOf(*text, kHardwareFlavours)) {
    std::string hint = DidYouMean(*text, kHardwareFlavours);
    if (hint.empty()) {
      hint =
          " (e.g. cpu-basic, cpu-upgrade, t4-small, a10g-small; the full list is in "
          "docs/spacedeployment.md)";
    }
    sink.Error(node.mark, path, Quote(*text) + " is not a Hub hardware flavour" + hint);
    return;
  }
  out->hardware = *text;
}

std::string NoSource(const std::string& name) {
  return "secret " + Quote(name) + " has no source; set secretKeyRef {name, key} or fromEnv";
}

std::optional<SecretKeyRef> ReadSecretKeyRef(DiagnosticSink& sink, const yaml::Node& node,
                                             const std::string& path) {
  MapReader reader(sink, node, path, {"name", "key"});
  if (!reader.is_mapping()) return std::nullopt;
  SecretKeyRef out;
  if (auto name = reader.String("name", Need::kRequired)) {
    if (auto why = CheckDnsSubdomain(*name)) {
      sink.Error(reader.Get("name")->mark, reader.PathOf("name"), *why);
    }
    out.name = *name;
  }
  if (auto key = reader.String("key", Need::kRequired)) {
    if (auto why = CheckSecretKey(*key))
      sink.Error(reader.Get("key")->mark, reader.PathOf("key"), *why);
    out.key = *key;
  }
  return out;
}


void ReadSecrets(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                 SpaceSpec* out) {
  if (!CheckNameMapping(sink, node, path)) return;
  std::map<std::string, SecretSource> secrets;
  for (const yaml::Entry& entry : node.entries) {
    if (entry.key->kind != yaml::NodeKind::kScalar) continue;
    const std::string& name = entry.key->text;
    const std::string secret_path = FieldPath(path, name);
    if (auto why = CheckEnvName(name)) {
      sink.Error(entry.key->mark, secret_path, *why);
      continue;
    }
    // The Hub keeps variables and secrets in one environment; a name can only be one of them.
    if (out->variables && out->variables->count(name) != 0) {
      sink.Error(entry.key->mark, secret_path,
                 Quote(name) + " is also a variable; a name is either a variable or a secret");
    }
    if (entry.value->kind == yaml::NodeKind::kNull) {
      sink.Error(entry.key->mark, secret_path, NoSource(name));
      continue;
    }
    if (auto source = ReadSecretSource(sink, *entry.value, secret_path, name)) {
      secrets.emplace(name, std::move(*source));
    }
  }
  out->secrets = std::move(secrets);
}

void ReadHealth(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                SpaceSpec* out) {
  MapReader health(sink, node, path, {"path", "timeoutSeconds"});
  if (!health.is_mapping()) return;
  if (const yaml::Node* http_path = health.Get("path")) {
    if (auto text = ReadString(sink, *http_path, health.PathOf("path"))) {
      if (!text->starts_with("/")) {
        sink.Error(http_path->mark, health.PathOf("path"),
                   Quote(*text) + " must start with \"/\", e.g. \"/health\"");
      } else {
        out->health.path = *text;
      }
    }
  }
  if (auto seconds = health.Int("timeoutSeconds", 1, kNoMaximum)) {
    out->health.timeout_seconds = *seconds;
  }
}

void ReadCard(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
              SpaceSpec* out) {
  MapReader card(
      sink, node, path,
      {"title", "emoji", "colorFrom", "colorTo", "shortDescription", "license", "pinned"});
  if (!card.is_mapping()) return;
  CardSpec& c = out->card;
  c.title = card.String("title");
  c.emoji = card.String("emoji");
  c.license = card.String("license");
  c.pinned = card.Bool("pinned");
  for (const char* key : {"colorFrom", "colorTo"}) {
    const yaml::Node* colour = card.Get(key);
    if (colour == nullptr) continue;
    auto text = ReadString(sink, *colour, card.PathOf(key));
    if (!text) continue;
    if (!OneOf(*text, kCardColours)) {
      std::string hint = DidYouMean(*text, kCardColours);
      if (hint.empty()) hint = " (use red, yellow, green, blue, indigo, purple, pink or gray)";
      sink.Error(colour->mark, card.PathOf(key), Quote(*text) + " is not a card colour" + hint);
      continue;
    }
    (std::string_view(key) == "colorFrom" ? c.color_from : c.color_to) = *text;
  }
  if (const yaml::Node* description = card.Get("shortDescription")) {
    if (auto text = ReadString(sink, *description, card.PathOf("shortDescription"))) {
      const size_t length = CountCharacters(*text);
      if (length > kMaxShortDescription) {
        sink.Error(description->mark, card.PathOf("shortDescription"),
                   "is " + std::to_string(length) + " characters long; the Hub allows " +
                       std::to_string(kMaxShortDescription));
      } else {
        c.short_description = *text;
      }
    }
  }
}

std::optional<SpaceSpec> ReadSpace(DiagnosticSink& sink, const yaml::Node& node,
                                   const std::string& path, std::optional<SpaceIdUse>* id_use) {
  MapReader space(sink, node, path,
                  {"id", "create", "private", "hardware", "sleepTimeSeconds", "variables",
                   "secrets", "health", "card"});
  if (!space.is_mapping()) return std::nullopt;
  SpaceSpec out;
  out.health = DefaultHealth();
  out.position = sink.At(node.mark);

  if (const yaml::Node* id = space.Require("id")) {
    if (auto text = ReadString(sink, *id, space.PathOf("id"))) {
      if (auto why = CheckSpaceId(*text)) {
        sink.Error(id->mark, space.PathOf("id"), *why);
      } else {
        out.id = *text;
        *id_use = SpaceIdUse{*text, id->mark, space.PathOf("id")};
      }
    }
  }
  if (auto create = space.Bool("create")) out.create = *create;
  if (auto is_private = space.Bool("private")) out.is_private = *is_private;
  if (const yaml::Node* hardware = space.Get("hardware")) {
    ReadHardware(sink, *hardware, space.PathOf("hardware"), &out);
  }
  out.sleep_time_seconds = space.Int("sleepTimeSeconds", 0, kNoMaximum);
  if (const yaml::Node* variables = space.Get("variables")) {
    if (auto map = ReadScalarMap(sink, *variables, space.PathOf("variables"), CheckEnvName)) {
      std::map<std::string, std::string> values;
      for (ScalarEntry& v : *map) values.emplace(std::move(v.name), std::move(v.value));
      out.variables = std::move(values);
    }
  }
  if (const yaml::Node* secrets = space.Get("secrets")) {
    ReadSecrets(sink, *secrets, space.PathOf("secrets"), &out);
  }
  if (const yaml::Node* health = space.Get("health")) {
    ReadHealth(sink, *health, space.PathOf("health"), &out);
  }
  if (const yaml::Node* card = space.Get("card")) {
    ReadCard(sink, *card, space.PathOf("card"), &out);
  }
  return out;
}

}  // namespace

// One secret's source: exactly one of secretKeyRef and fromEnv. nullopt after any error.
std::optional<SecretSource> ReadSecretSource(DiagnosticSink& sink, const yaml::Node& node,
                                             const std::string& path, const std::string& name) {
  const int errors_before = sink.error_count();
  MapReader source(sink, node, path, {"secretKeyRef", "fromEnv"});
  if (!source.is_mapping()) return std::nullopt;
  const yaml::Entry* ref = source.Find("secretKeyRef");
  const yaml::Entry* env = source.Find("fromEnv");
  if (ref != nullptr && env != nullptr) {
    sink.Error(
        node.mark, path,
        "secret " + Quote(name) + " has two sources; set exactly one of secretKeyRef and fromEnv");
    return std::nullopt;
  }
  if (ref == nullptr && env == nullptr) {
    // With other keys in it, the unknown-field error already says what is wrong.
    if (node.entries.empty()) sink.Error(node.mark, path, NoSource(name));
    return std::nullopt;
  }
  SecretSource out;
  if (ref != nullptr) {
    if (const yaml::Node* value = source.Require("secretKeyRef")) {
      out.secret_key_ref = ReadSecretKeyRef(sink, *value, source.PathOf("secretKeyRef"));
    }
  } else if (auto variable = source.String("fromEnv", Need::kRequired)) {
    if (auto why = CheckEnvName(*variable)) {
      sink.Error(env->value->mark, source.PathOf("fromEnv"), *why);
    }
    out.from_env = *variable;
  }
  if (sink.error_count() != errors_before) return std::nullopt;
  return out;
}

void ValidateSpaces(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                    std::vector<SpaceSpec>* out, std::vector<SpaceIdUse>* ids) {
  auto items = ReadSequence(sink, node, path);
  if (!items) return;
  if (items->empty()) {
    sink.Error(node.mark, path, "must list at least one Space");
    return;
  }
  // Hub repo ids are case-insensitive: "Owner/App" and "owner/app" are the same Space.
  std::unordered_map<std::string, std::string> first_use;  // lower-cased id → field
  for (size_t i = 0; i < items->size(); ++i) {
    const std::string item_path = ItemPath(path, i);
    std::optional<SpaceIdUse> id_use;
    auto space = ReadSpace(sink, *(*items)[i], item_path, &id_use);
    if (id_use) {
      auto [it, inserted] = first_use.emplace(CanonicalSpaceId(id_use->id), id_use->field);
      if (!inserted) {
        sink.Error(id_use->mark, id_use->field,
                   "Space " + Quote(id_use->id) + " is listed twice (first as " + it->second + ")");
      } else {
        ids->push_back(std::move(*id_use));
      }
    }
    if (space) out->push_back(std::move(*space));
  }
}

}  // namespace spaceport::spec
