#include "runtime/controller_config.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string_view>

#include "http/http.h"

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

constexpr double kMaxRequestsPerSecond = 1000000;

// A plain number from 0 to kMaxRequestsPerSecond; MapReader reads integers only.
std::optional<double> ReadRequestsPerSecond(spec::DiagnosticSink& sink,
                                            const spec::yaml::Node& node, const std::string& path) {
  double value = 0;
  bool number = false;
  if (node.kind == spec::yaml::NodeKind::kScalar) {
    const char* end = node.text.data() + node.text.size();
    auto [stop, error] = std::from_chars(node.text.data(), end, value);
    number = error == std::errc() && stop == end && std::isfinite(value);
  }
  if (number && node.plain && value >= 0 && value <= kMaxRequestsPerSecond) return value;
  const std::string got = !number    ? spec::yaml::Describe(node)
                          : node.plain ? node.text
                                       : "the string " + spec::yaml::Describe(node) +
                                             " (remove the quotes)";
  sink.Error(node.mark, path,
             "expected a number of requests per second from 0 (unlimited) to 1000000, got " + got);
  return std::nullopt;
}

// rateLimit: {requestsPerSecond: 20, burst: 40}; either field may be left out.
void ReadRateLimit(spec::DiagnosticSink& sink, const spec::yaml::Node& node,
                   const std::string& path, oci::RegistryConfig& out) {
  MapReader limit(sink, node, path, {"requestsPerSecond", "burst"});
  if (!limit.is_mapping()) return;
  if (const auto* rate = limit.Get("requestsPerSecond")) {
    if (auto value = ReadRequestsPerSecond(sink, *rate, limit.PathOf("requestsPerSecond")))
      out.requests_per_second = *value;
  }
  if (auto burst = limit.Int("burst", 0, 1000000)) {
    if (*burst < 1 && out.requests_per_second > 0) {
      sink.Error(limit.Find("burst")->value->mark, limit.PathOf("burst"),
                 "must be at least 1 when requestsPerSecond is above 0 (a burst of 0 admits "
                 "nothing)");
      return;
    }
    out.burst = static_cast<int>(*burst);
  }
}

void ReadRegistry(spec::DiagnosticSink& sink, const spec::yaml::Node& node, const std::string& path,
                  const EnvLookup& env, std::set<std::string>& hosts, ControllerConfig& config) {
  MapReader entry(sink, node, path,
                  {"host", "endpoint", "insecure", "caBundle", "credentials", "rateLimit"});
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
  if (const auto* limit = entry.Get("rateLimit"))
    ReadRateLimit(sink, *limit, entry.PathOf("rateLimit"), r);
  if (sink.error_count() != errors_before) return;
  if (Status valid = r.Validate(); !valid.ok()) {
    const auto* at = entry.Find("endpoint");
    sink.Error(at ? at->value->mark : node.mark, at ? entry.PathOf("endpoint") : path, valid.message());
    return;
  }
  config.registries.push_back(std::move(r));
}


// Which field of the hub section a problem belongs to ("" = the section, or the environment).
using HubProblem = std::function<void(std::string_view field, std::string message)>;

// The official clients drop CR/LF and surrounding blanks from a token.
std::string CleanToken(std::string_view raw) {
  std::string out;
  for (char c : raw)
    if (c != '\r' && c != '\n') out += c;
  const size_t first = out.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return out.substr(first, out.find_last_not_of(" \t") - first + 1);
}

std::optional<std::string> ResolveEndpoint(const HubSection& section, const EnvLookup& env,
                                           const HubProblem& problem) {
  if (!section.endpoint) {
    Result<std::string> from_env = hub::ResolveEndpoint(env);
    if (!from_env.ok()) {
      problem("", from_env.status().message());
      return std::nullopt;
    }
    return *from_env;
  }
  std::string endpoint = *section.endpoint;
  while (endpoint.ends_with("/")) endpoint.pop_back();
  Result<http::Url> url = http::Url::Parse(endpoint);
  if (url.ok() && url->scheme == "http" && !section.insecure) {
    problem("endpoint", "Hub endpoint " + url->Origin() +
                            " uses plain http; set insecure: true to allow it (loopback only)");
    return std::nullopt;
  }
  return endpoint;
}

std::optional<std::optional<hub::HubToken>> ResolveToken(const HubSection& section,
                                                         const EnvLookup& env,
                                                         const HubProblem& problem) {
  if (section.token_from_env && section.token_file) {
    problem("", "set at most one of tokenFromEnv and tokenFile");
    return std::nullopt;
  }
  if (section.token_from_env) {
    const std::string& name = *section.token_from_env;
    std::string token = CleanToken(env(name).value_or(""));
    if (token.empty()) {
      problem("tokenFromEnv", "environment variable " + name + " is not set");
      return std::nullopt;
    }
    return std::optional<hub::HubToken>(
        hub::HubToken{std::move(token), "controller config (environment " + name + ")"});
  }
  if (section.token_file) {
    const std::string& path = *section.token_file;
    std::optional<std::string> text = ReadFileText(path);
    if (!text) {
      problem("tokenFile", "cannot read " + path);
      return std::nullopt;
    }
    std::string token = CleanToken(*text);
    if (token.empty()) {
      problem("tokenFile", path + " holds no token");
      return std::nullopt;
    }
    return std::optional<hub::HubToken>(
        hub::HubToken{std::move(token), "controller config (file " + path + ")"});
  }
  Result<std::optional<hub::HubToken>> from_env = hub::ResolveToken(env);
  if (!from_env.ok()) {
    problem("", from_env.status().message());
    return std::nullopt;
  }
  return *from_env;
}

// Every problem is reported (endpoint and token independently); nullopt when there was one.
std::optional<hub::HubConfig> ResolveHub(const HubSection& section, const EnvLookup& env,
                                         const HubProblem& problem) {
  std::optional<std::string> endpoint = ResolveEndpoint(section, env, problem);
  std::optional<std::optional<hub::HubToken>> token = ResolveToken(section, env, problem);
  if (!endpoint || !token) return std::nullopt;
  hub::HubConfig config;
  config.endpoint = *endpoint;
  config.token = *token;
  config.allow_plain_http = section.insecure;
  if (Status valid = config.Validate(); !valid.ok()) {
    problem(section.endpoint ? "endpoint" : "", valid.message());
    return std::nullopt;
  }
  return config;
}

// The `hub:` section: its fields, its budget, and the HubConfig they give with the environment.
void ReadHub(spec::DiagnosticSink& sink, const spec::yaml::Node* node, const EnvLookup& env,
             ControllerConfig& config) {
  const int errors_before = sink.error_count();
  HubSection section;
  std::optional<MapReader> hub_map;
  if (node != nullptr) {
    hub_map.emplace(sink, *node, "hub",
                    std::initializer_list<std::string_view>{"endpoint", "tokenFromEnv",
                                                            "tokenFile", "insecure", "budget"});
    if (!hub_map->is_mapping()) return;
    section.endpoint = hub_map->String("endpoint");
    section.token_from_env = hub_map->String("tokenFromEnv");
    section.token_file = hub_map->String("tokenFile");
    section.insecure = hub_map->Bool("insecure").value_or(false);
    if (const auto* budget = hub_map->Get("budget")) {
      MapReader b(sink, *budget, "hub.budget", {"requests", "windowSeconds"});
      if (b.is_mapping()) {
        if (auto n = b.Int("requests", 1, 1000000)) config.hub_budget.requests_per_window = *n;
        if (auto s = b.Int("windowSeconds", 1, 86400))
          config.hub_budget.window = std::chrono::seconds(*s);
      }
    }
  }
  if (sink.error_count() != errors_before) return;  // a mistyped field: do not guess around it
  std::optional<hub::HubConfig> resolved =
      ResolveHub(section, env, [&](std::string_view field, std::string message) {
        const spec::yaml::Entry* at = hub_map && !field.empty() ? hub_map->Find(field) : nullptr;
        if (at != nullptr) {
          sink.Error(at->value->mark, hub_map->PathOf(field), std::move(message));
        } else {
          sink.Error(node != nullptr ? node->mark : spec::yaml::Mark{}, "hub", std::move(message));
        }
      });
  if (resolved) config.hub = std::move(*resolved);
}

void ReadStateDir(spec::DiagnosticSink& sink, MapReader& top, ControllerConfig& config) {
  std::optional<std::string> dir = top.String("stateDir");
  if (!dir) return;
  if (dir->empty() || dir->front() != '/') {
    sink.Error(top.Find("stateDir")->value->mark, "stateDir", "must be an absolute path");
    return;
  }
  config.state_dir = *dir;
}

// requestTimeout: a duration of 1 s to 10 min (longer would let one stall hold a worker for good).
void ReadRequestTimeout(spec::DiagnosticSink& sink, MapReader& top, ControllerConfig& config) {
  const spec::yaml::Node* node = top.Get("requestTimeout");
  if (node == nullptr) return;
  std::optional<int64_t> seconds = spec::ReadDuration(sink, *node, "requestTimeout");
  if (!seconds) return;
  if (*seconds > 600) {
    sink.Error(node->mark, "requestTimeout", "must be at most 10m");
    return;
  }
  config.request_timeout = std::chrono::seconds(*seconds);
}

// The `github:` section: how patient githubActions builds are. Each is a duration of 1 s to 24 h;
// a runner pool that queues for a day is better reported than waited for.
void ReadGithub(spec::DiagnosticSink& sink, const spec::yaml::Node* node, ControllerConfig& config) {
  if (node == nullptr) return;
  MapReader github(sink, *node, "github", {"dispatchTimeout", "queueTimeout"});
  if (!github.is_mapping()) return;
  auto read = [&](std::string_view field, std::chrono::seconds& out) {
    const spec::yaml::Node* value = github.Get(field);
    if (value == nullptr) return;
    const std::string path = github.PathOf(field);
    std::optional<int64_t> seconds = spec::ReadDuration(sink, *value, path);
    if (!seconds) return;
    if (*seconds > 24 * 3600) {
      sink.Error(value->mark, path, "must be at most 24h");
      return;
    }
    out = std::chrono::seconds(*seconds);
  };
  read("dispatchTimeout", config.github_dispatch_timeout);
  read("queueTimeout", config.github_queue_timeout);
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
    MapReader top(sink, root, "", {"apiVersion", "kind", "registries", "hub", "stateDir",
                                   "requestTimeout", "github"});
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
      ReadHub(sink, top.Get("hub"), env, out.config);
      ReadStateDir(sink, top, out.config);
      ReadRequestTimeout(sink, top, out.config);
      ReadGithub(sink, top.Get("github"), out.config);
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

ConfigLoad DefaultControllerConfig(const EnvLookup& env) {
  ConfigLoad out;
  spec::DiagnosticSink sink("environment");
  ReadHub(sink, nullptr, env, out.config);
  out.diagnostics = std::move(sink.diagnostics());
  return out;
}

Result<hub::HubConfig> BuildHubConfig(const HubSection& section, const EnvLookup& env) {
  std::string first_problem;
  std::optional<hub::HubConfig> config =
      ResolveHub(section, env, [&](std::string_view field, std::string message) {
        if (!first_problem.empty()) return;
        first_problem = (field.empty() ? std::string("hub") : "hub." + std::string(field)) + ": " +
                        std::move(message);
      });
  if (!config) return FailedPrecondition(first_problem);
  return *config;
}

}  // namespace spaceport::runtime
