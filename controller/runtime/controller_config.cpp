#include "runtime/controller_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include "spec/defaults.h"
#include "spec/diagnostic_sink.h"
#include "spec/field_reader.h"
#include "spec/loader.h"
#include "spec/yaml_tree.h"

namespace spaceport::runtime {
namespace {

using spec::MapReader;
using spec::Need;

std::optional<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

void ReadCredentials(spec::DiagnosticSink& sink, const spec::yaml::Node& node, const std::string& path,
                     const EnvLookup& env, oci::RegistryConfig& out) {
  MapReader creds(sink, node, path, {"username", "passwordFromEnv", "passwordFile"});
  if (!creds.is_mapping()) return;
  auto username = creds.String("username", Need::kRequired);
  auto from_env = creds.String("passwordFromEnv");
  auto from_file = creds.String("passwordFile");
  if (from_env.has_value() == from_file.has_value()) {
    sink.Error(node.mark, path, "set exactly one of passwordFromEnv and passwordFile");
    return;
  }
  if (!username) return;
  oci::Credentials c;
  c.username = *username;
  if (from_env) {
    auto value = env(*from_env);
    if (!value || value->empty()) {
      sink.Error(creds.Find("passwordFromEnv")->value->mark, creds.PathOf("passwordFromEnv"),
                 "environment variable " + *from_env + " is not set");
      return;
    }
    c.password = *value;
    c.source = "controller config (environment " + *from_env + ")";
  } else {
    auto value = ReadFileText(*from_file);
    if (!value) {
      sink.Error(creds.Find("passwordFile")->value->mark, creds.PathOf("passwordFile"),
                 "cannot read " + *from_file);
      return;
    }
    c.password = TrimTrailingNewlines(*value);
    c.source = "controller config (file " + *from_file + ")";
  }
  out.credentials = std::move(c);
}

void ReadRegistry(spec::DiagnosticSink& sink, const spec::yaml::Node& node, const std::string& path,
                  const EnvLookup& env, std::set<std::string>& hosts, ControllerConfig& config) {
  MapReader entry(sink, node, path, {"host", "endpoint", "insecure", "caBundle", "credentials"});
  if (!entry.is_mapping()) return;
  const int errors_before = sink.error_count();
  oci::RegistryConfig r;
  if (auto host = entry.String("host", Need::kRequired)) {
    r.host = *host;
    if (!hosts.insert(r.host).second)
      sink.Error(entry.Find("host")->value->mark, entry.PathOf("host"),
                 "registry \"" + r.host + "\" is listed twice");
  }
  if (auto endpoint = entry.String("endpoint")) r.endpoint = *endpoint;
  if (auto insecure = entry.Bool("insecure")) r.insecure = *insecure;
  if (auto ca = entry.String("caBundle")) r.ca_bundle = *ca;
  if (const auto* creds = entry.Get("credentials"))
    ReadCredentials(sink, *creds, entry.PathOf("credentials"), env, r);
  if (sink.error_count() != errors_before) return;
  if (Status valid = r.Validate(); !valid.ok()) {
    const auto* at = entry.Find("endpoint");
    sink.Error(at ? at->value->mark : node.mark, at ? entry.PathOf("endpoint") : path, valid.message());
    return;
  }
  config.registries.push_back(std::move(r));
}

}  // namespace

ConfigLoad ParseControllerConfig(const std::string& text, const std::string& file,
                                 const EnvLookup& env) {
  ConfigLoad out;
  spec::DiagnosticSink sink(file);
  std::vector<spec::yaml::Document> docs = spec::yaml::ParseDocuments(text, spec::kMaxDepth);
  if (docs.size() != 1) {
    sink.Error({1, 1}, "", "expected exactly one YAML document, found " + std::to_string(docs.size()));
  } else if (docs[0].error) {
    sink.Error(docs[0].error->mark, "", docs[0].error->message);
  } else {
    const spec::yaml::Node& root = *docs[0].root;
    MapReader top(sink, root, "", {"apiVersion", "kind", "registries"});
    if (top.is_mapping()) {
      auto api = top.String("apiVersion", Need::kRequired);
      if (api && *api != spec::kApiVersion)
        sink.Error(top.Find("apiVersion")->value->mark, "apiVersion",
                   "expected \"" + std::string(spec::kApiVersion) + "\", got \"" + *api + "\"");
      auto kind = top.String("kind", Need::kRequired);
      if (kind && *kind != kControllerConfigKind)
        sink.Error(top.Find("kind")->value->mark, "kind",
                   "expected \"" + std::string(kControllerConfigKind) + "\", got \"" + *kind + "\"");
      if (const auto* regs = top.Get("registries")) {
        if (auto items = spec::ReadSequence(sink, *regs, "registries")) {
          std::set<std::string> hosts;
          for (size_t i = 0; i < items->size(); ++i)
            ReadRegistry(sink, *(*items)[i], spec::ItemPath("registries", i), env, hosts, out.config);
        }
      }
    }
  }
  out.diagnostics = std::move(sink.diagnostics());
  spec::SortDiagnostics(out.diagnostics);
  return out;
}

ConfigLoad LoadControllerConfig(const std::string& path, const EnvLookup& env) {
  auto text = ReadFileText(path);
  if (!text) {
    ConfigLoad out;
    spec::Diagnostic d;
    d.position.file = path;
    d.message = "cannot read the controller config";
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  return ParseControllerConfig(*text, path, env);
}

}  // namespace spaceport::runtime
