// spec.wrapper: the Hugging Face wrapper image derived from the main image.
#include <span>

#include "spec/defaults.h"
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/quote.h"
#include "spec/suggest.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

bool IsPlatform(std::string_view platform) {
  for (std::string_view p : kPlatforms) {
    if (p == platform) return true;
  }
  return false;
}

std::string PlatformError(const std::string& platform) {
  // People write the OCI form; say what to write instead.
  if (platform.starts_with("linux/") && IsPlatform(std::string_view(platform).substr(6))) {
    return Quote(platform) + " is written without the OS; write " + Quote(platform.substr(6));
  }
  std::string list;
  for (std::string_view p : kPlatforms) list += (list.empty() ? "" : ", ") + std::string(p);
  const std::string hint = DidYouMean(platform, kPlatforms);
  return Quote(platform) + " is not a supported platform" +
         (hint.empty() ? " (use one of " + list + ")" : hint);
}

void ReadPlatforms(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                   std::vector<std::string>* out) {
  auto items = ReadSequence(sink, node, path);
  if (!items) return;
  if (items->empty()) {
    sink.Error(node.mark, path, "must list at least one platform, e.g. [amd64]");
    return;
  }
  std::vector<std::string> platforms;
  for (size_t i = 0; i < items->size(); ++i) {
    const yaml::Node& item = *(*items)[i];
    const std::string item_path = ItemPath(path, i);
    auto text = ReadString(sink, item, item_path);
    if (!text) continue;
    if (!IsPlatform(*text)) {
      sink.Error(item.mark, item_path, PlatformError(*text));
      continue;
    }
    bool repeated = false;
    for (const std::string& earlier : platforms) repeated = repeated || earlier == *text;
    if (repeated) {
      sink.Error(item.mark, item_path, Quote(*text) + " is listed twice");
      continue;
    }
    platforms.push_back(*text);
  }
  *out = std::move(platforms);
}

}  // namespace

void ValidateWrapper(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                     WrapperSpec* out) {
  MapReader wrapper(sink, node, path, {"platforms", "env", "port"});
  if (!wrapper.is_mapping()) return;

  if (const yaml::Node* platforms = wrapper.Get("platforms")) {
    ReadPlatforms(sink, *platforms, wrapper.PathOf("platforms"), &out->platforms);
  }
  // The port comes first: the default PORT follows it, so `port: 8080` alone is consistent.
  if (auto port = wrapper.Int("port", 1, 65535)) out->port = static_cast<int>(*port);
  for (auto& [name, value] : out->env)
    if (name == "PORT") value = std::to_string(out->port);

  if (const yaml::Node* env = wrapper.Get("env")) {
    if (auto entries = ReadScalarMap(sink, *env, wrapper.PathOf("env"), CheckEnvName)) {
      // `out->env` holds the defaults (HOST, PORT): a name among them is replaced in place,
      // any other is added after them in file order.
      const size_t defaults = out->env.size();
      for (ScalarEntry& entry : *entries) {
        bool replaced = false;
        for (size_t i = 0; i < defaults && !replaced; ++i) {
          if (out->env[i].first == entry.name) {
            out->env[i].second = entry.value;
            replaced = true;
          }
        }
        // The app listens on PORT and the Space routes to `port`: two values cannot both hold.
        if (entry.name == "PORT" && entry.value != std::to_string(out->port)) {
          sink.Error(entry.value_mark, FieldPath(wrapper.PathOf("env"), "PORT"),
                     Quote(entry.value) + " differs from spec.wrapper.port " +
                         std::to_string(out->port) +
                         "; the app listens on PORT and the Space sends traffic to port "
                         "(leave PORT out: it follows port)");
        }
        if (!replaced) out->env.emplace_back(std::move(entry.name), std::move(entry.value));
      }
    }
  }
}

}  // namespace spaceport::spec
