#include "clients/kube/kube_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "base/ascii.h"
#include "base/base64.h"
#include "base/quote.h"

namespace spaceport::kube {

// client-go's cached file token source re-reads bound service account tokens once a minute; the
// kubelet rotates them well before they expire (after 80% of their lifetime, at least an hour).
constexpr auto kTokenFileRereadInterval = std::chrono::minutes(1);

struct TokenFileCache {
  std::mutex mu;
  std::string path;   // the token_file `token` was read from
  std::string token;  // "" until a read succeeded
  std::optional<std::chrono::steady_clock::time_point> read_at;
};

namespace {

std::optional<std::string> NonEmptyEnv(const EnvLookup& env, const std::string& name) {
  std::optional<std::string> v = env(name);
  if (!v || v->empty()) return std::nullopt;
  return v;
}

// `what` names the file's role for the message ("kubeconfig", "tokenFile").
Result<std::string> ReadWholeFile(const std::string& path, const std::string& what) {
  std::error_code ec;
  const std::filesystem::file_status status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) return NotFound(what + " " + path + " does not exist");
  if (std::filesystem::is_directory(status))
    return FailedPrecondition(what + " " + path + " is a directory");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) return FailedPrecondition(what + " " + path + " cannot be read");
  return text.str();
}

// Token files end with a newline more often than not; client-go trims all surrounding space.
Result<std::string> ReadTokenFile(const std::string& path, const std::string& what) {
  Result<std::string> text = ReadWholeFile(path, what);
  if (!text.ok()) return text.status();
  std::string token(AsciiTrim(*text));
  if (token.empty()) return FailedPrecondition(what + " " + path + " is empty");
  return token;
}

// Paths inside a kubeconfig are relative to the directory of the file that holds them.
std::string ResolveAgainst(const std::string& kubeconfig_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(kubeconfig_file).parent_path() / path).string();
}

// One kubeconfig's entries as typed values, each remembering the file it came from: a
// relative path in it is already resolved against that file, and messages name it.
struct ClusterEntry {
  std::string file;
  std::string server;
  std::string ca_data;  // base64
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
};

struct UserEntry {
  std::string file;
  std::string token;
  std::string token_file;
  std::string cert_data, cert_file;  // base64 / path
  std::string key_data, key_file;
  std::vector<std::string> unsupported;  // the auth methods present that Spaceport cannot use
};

struct ContextEntry {
  std::string file;
  std::string cluster;
  std::string user;
  std::string namespace_;
};

// Kubeconfig files merged as client-go merges them: the first file to set a value wins.
struct MergedKubeconfig {
  std::string files;  // as the user gave them, for messages ("a" or "a:b")
  std::string current_context;
  std::map<std::string, ClusterEntry> clusters;
  std::map<std::string, UserEntry> users;
  std::map<std::string, ContextEntry> contexts;
};

// A field's text; "" when absent or null. A map or list where text belongs throws
// YAML::BadConversion, which carries the position.
std::string Text(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  if (!v.IsDefined() || v.IsNull()) return "";
  return v.as<std::string>();
}

bool Present(const YAML::Node& map, const char* key) {
  const YAML::Node v = map[key];
  return v.IsDefined() && !v.IsNull();
}

// Calls add(name, body) for each {name: ..., <body_key>: {...}} item of the list `list_key`.
template <typename Add>
Status ForEachNamed(const YAML::Node& root, const char* list_key, const char* body_key,
                    const std::string& file, Add add) {
  const YAML::Node list = root[list_key];
  if (!list.IsDefined() || list.IsNull()) return Status::Ok();
  if (!list.IsSequence())
    return InvalidArgument("kubeconfig " + file + ": " + list_key + " is not a list");
  for (const YAML::Node& item : list) {
    const std::string name = item.IsMap() ? Text(item, "name") : "";
    if (name.empty()) {
      return InvalidArgument("kubeconfig " + file + ": an entry of " + list_key + " has no name");
    }
    const YAML::Node body = item[body_key];  // absent: an entry that sets nothing
    add(name, body.IsDefined() ? body : YAML::Node(YAML::NodeType::Map));
  }
  return Status::Ok();
}

Status MergeKubeconfigText(const std::string& file, const std::string& text,
                           MergedKubeconfig& into) {
  try {
    const YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) return Status::Ok();  // an empty file sets nothing
    if (!root.IsMap()) return InvalidArgument("kubeconfig " + file + " is not a YAML mapping");
    if (into.current_context.empty()) into.current_context = Text(root, "current-context");

    Status s = ForEachNamed(
        root, "clusters", "cluster", file, [&](const std::string& name, const YAML::Node& c) {
          if (into.clusters.count(name)) return;
          ClusterEntry e{file, Text(c, "server"), Text(c, "certificate-authority-data"),
                         ResolveAgainst(file, Text(c, "certificate-authority")), false};
          e.insecure_skip_tls_verify =
              Present(c, "insecure-skip-tls-verify") && c["insecure-skip-tls-verify"].as<bool>();
          into.clusters.emplace(name, std::move(e));
        });
    if (!s.ok()) return s;
    s = ForEachNamed(root, "users", "user", file,
                     [&](const std::string& name, const YAML::Node& u) {
                       if (into.users.count(name)) return;
                       UserEntry e;
                       e.file = file;
                       e.token = Text(u, "token");
                       e.token_file = ResolveAgainst(file, Text(u, "tokenFile"));
                       e.cert_data = Text(u, "client-certificate-data");
                       e.cert_file = ResolveAgainst(file, Text(u, "client-certificate"));
                       e.key_data = Text(u, "client-key-data");
                       e.key_file = ResolveAgainst(file, Text(u, "client-key"));
                       if (Present(u, "exec"))
                         e.unsupported.push_back("an exec credential plugin (exec)");
                       if (Present(u, "auth-provider")) e.unsupported.push_back("an auth-provider");
                       if (Present(u, "username") || Present(u, "password"))
                         e.unsupported.push_back("basic auth (username/password)");
                       into.users.emplace(name, std::move(e));
                     });
    if (!s.ok()) return s;
    return ForEachNamed(
        root, "contexts", "context", file, [&](const std::string& name, const YAML::Node& c) {
          if (into.contexts.count(name)) return;
          into.contexts.emplace(
              name, ContextEntry{file, Text(c, "cluster"), Text(c, "user"), Text(c, "namespace")});
        });
  } catch (const YAML::Exception& e) {
    // yaml-cpp's messages are fixed phrases ("illegal map value"), never the document's text.
    std::string where = e.mark.is_null() ? ""
                                         : ": line " + std::to_string(e.mark.line + 1) +
                                               ", column " + std::to_string(e.mark.column + 1);
    return InvalidArgument("kubeconfig " + file + where + ": " + e.msg);
  }
}

// must_exist: an explicit --kubeconfig or $HOME/.kube/config; KUBECONFIG entries that do not
// exist are skipped, as client-go skips them.
Result<MergedKubeconfig> ReadKubeconfigs(const std::vector<std::string>& files, bool must_exist,
                                         const std::string& description) {
  MergedKubeconfig merged;
  merged.files = description;
  bool any = false;
  for (const std::string& file : files) {
    Result<std::string> text = ReadWholeFile(file, "kubeconfig");
    if (!text.ok()) {
      if (text.status().code() == StatusCode::kNotFound && !must_exist) continue;
      return text.status();
    }
    any = true;
    if (Status s = MergeKubeconfigText(file, *text, merged); !s.ok()) return s;
  }
  if (!any) return NotFound("KUBECONFIG lists " + description + ", but none of those files exists");
  return merged;
}

std::string NameList(const std::map<std::string, ContextEntry>& contexts) {
  if (contexts.empty()) return "it defines no contexts";
  std::string out = "contexts:";
  for (const auto& [name, entry] : contexts) out += " " + DoubleQuoted(name);
  return out;
}

// Inline data (base64) or a file; `where` names the entry, data_key/file_key the fields.
Result<std::string> DataOrFile(const std::string& data, const std::string& file,
                               const std::string& where, const std::string& data_key,
                               const std::string& file_key) {
  if (!data.empty()) {
    std::string compact;  // Go's decoder skips line breaks, which a long value may carry
    for (char c : data) {
      if (c != '\n' && c != '\r') compact += c;
    }
    std::optional<std::string> decoded = Base64Decode(compact);
    if (!decoded) return InvalidArgument(where + ": " + data_key + " is not valid base64");
    return *decoded;
  }
  if (file.empty()) return std::string();
  Result<std::string> text = ReadWholeFile(file, file_key);
  if (!text.ok()) return Status(text.status().code(), where + ": " + text.status().message());
  return text;
}

// A cheap check that catches a wrong file or field here, where the kubeconfig can be named,
// instead of at the first request; the transport checks the PEM itself.
Status RequirePem(const std::string& bytes, const std::string& where, const std::string& field) {
  if (bytes.empty() || bytes.find("-----BEGIN ") != std::string::npos) return Status::Ok();
  return InvalidArgument(where + ": " + field + " is not PEM (no -----BEGIN line)");
}

Status ApplyCluster(const ClusterEntry& cluster, const std::string& where, ClusterConfig& out) {
  if (cluster.server.empty()) return InvalidArgument(where + " has no server");
  Result<http::Url> url = http::Url::Parse(cluster.server);
  if (!url.ok()) return InvalidArgument(where + ": server: " + url.status().message());
  out.server = cluster.server;
  while (out.server.ends_with('/')) out.server.pop_back();
  if (cluster.insecure_skip_tls_verify && (!cluster.ca_data.empty() || !cluster.ca_file.empty())) {
    // client-go refuses this combination too: the user cannot have meant both.
    return InvalidArgument(where +
                           " sets both insecure-skip-tls-verify and a certificate authority");
  }
  out.insecure_skip_tls_verify = cluster.insecure_skip_tls_verify;
  Result<std::string> ca = DataOrFile(cluster.ca_data, cluster.ca_file, where,
                                      "certificate-authority-data", "certificate-authority");
  if (!ca.ok()) return ca.status();
  out.ca_pem = *ca;
  return RequirePem(
      out.ca_pem, where,
      cluster.ca_data.empty() ? "certificate-authority" : "certificate-authority-data");
}

Status ApplyUser(const UserEntry& user, const std::string& where, ClusterConfig& out) {
  if (!user.unsupported.empty()) {
    return InvalidArgument(where + " authenticates with " + user.unsupported.front() +
                           ", which Spaceport does not support; use token, tokenFile, or "
                           "client-certificate(-data) with client-key(-data)");
  }
  out.token = user.token;
  out.token_file = user.token_file;
  if (user.token.empty() && !user.token_file.empty()) {
    Result<std::string> token =
        ReadTokenFile(user.token_file, "tokenFile");  // fail now, as client-go does
    if (!token.ok()) return Status(token.status().code(), where + ": " + token.status().message());
    out.token = *token;
  }
  Result<std::string> cert = DataOrFile(user.cert_data, user.cert_file, where,
                                        "client-certificate-data", "client-certificate");
  if (!cert.ok()) return cert.status();
  Result<std::string> key =
      DataOrFile(user.key_data, user.key_file, where, "client-key-data", "client-key");
  if (!key.ok()) return key.status();
  if (cert->empty() != key->empty()) {
    return InvalidArgument(where + " has a client " + (cert->empty() ? "key" : "certificate") +
                           " without its " + (cert->empty() ? "certificate" : "key") +
                           "; set both client-certificate(-data) and client-key(-data)");
  }
  out.client_cert_pem = *cert;
  out.client_key_pem = *key;
  if (Status s = RequirePem(out.client_cert_pem, where, "the client certificate"); !s.ok())
    return s;
  return RequirePem(out.client_key_pem, where, "the client key");
}

// The cluster or user entry a context names.
template <typename Entry>
Result<const Entry*> Referenced(const std::map<std::string, Entry>& entries,
                                const std::string& kind, const std::string& name,
                                const std::string& context_where, const std::string& files) {
  auto it = entries.find(name);
  if (it == entries.end()) {
    return NotFound(context_where + " names " + kind + " " + DoubleQuoted(name) +
                    ", which kubeconfig " + files + " does not define");
  }
  return &it->second;
}

Result<ClusterConfig> FromKubeconfig(const MergedKubeconfig& kc, const std::string& context_flag) {
  const std::string context_name = context_flag.empty() ? kc.current_context : context_flag;
  if (context_name.empty()) {
    return FailedPrecondition("kubeconfig " + kc.files +
                              " sets no current-context; pass --context (" + NameList(kc.contexts) +
                              ")");
  }
  auto context = kc.contexts.find(context_name);
  if (context == kc.contexts.end()) {
    return NotFound("kubeconfig " + kc.files + " has no context " + DoubleQuoted(context_name) +
                    (context_flag.empty() ? " (its current-context)" : " (--context)") + "; " +
                    NameList(kc.contexts));
  }
  ClusterConfig out;
  out.source = "kubeconfig " + kc.files + " (context " + context_name + ")";
  const std::string context_where =
      "context " + DoubleQuoted(context_name) + " in kubeconfig " + context->second.file;

  if (context->second.cluster.empty()) return InvalidArgument(context_where + " names no cluster");
  Result<const ClusterEntry*> cluster =
      Referenced(kc.clusters, "cluster", context->second.cluster, context_where, kc.files);
  if (!cluster.ok()) return cluster.status();
  const std::string cluster_where =
      "cluster " + DoubleQuoted(context->second.cluster) + " in kubeconfig " + (*cluster)->file;
  if (Status s = ApplyCluster(**cluster, cluster_where, out); !s.ok()) return s;

  if (!context->second.user.empty()) {  // no user: anonymous
    Result<const UserEntry*> user =
        Referenced(kc.users, "user", context->second.user, context_where, kc.files);
    if (!user.ok()) return user.status();
    const std::string user_where =
        "user " + DoubleQuoted(context->second.user) + " in kubeconfig " + (*user)->file;
    if (Status s = ApplyUser(**user, user_where, out); !s.ok()) return s;
  }
  out.namespace_ = context->second.namespace_.empty() ? "default" : context->second.namespace_;
  return out;
}

Result<ClusterConfig> LoadKubeconfigs(const std::vector<std::string>& files, bool must_exist,
                                      const std::string& description, const std::string& context) {
  Result<MergedKubeconfig> merged = ReadKubeconfigs(files, must_exist, description);
  if (!merged.ok()) return merged.status();
  return FromKubeconfig(*merged, context);
}

std::vector<std::string> SplitPathList(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ':');) {
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

// rest.InClusterConfig: nullopt with `why_not` set when this is not a Pod with a service account.
std::optional<ClusterConfig> LoadInCluster(const ConfigOptions& options, const EnvLookup& env,
                                           std::string& why_not) {
  std::optional<std::string> host = NonEmptyEnv(env, "KUBERNETES_SERVICE_HOST");
  std::optional<std::string> port = NonEmptyEnv(env, "KUBERNETES_SERVICE_PORT");
  if (!host || !port) {
    why_not = "not in a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)";
    return std::nullopt;
  }
  const std::filesystem::path dir(options.in_cluster_dir);
  ClusterConfig out;
  out.token_file = (dir / "token").string();
  Result<std::string> token = ReadTokenFile(out.token_file, "the service account token");
  if (!token.ok()) {
    why_not = "in a cluster, but " + token.status().message();
    return std::nullopt;
  }
  out.token = *token;
  const bool ipv6 = host->find(':') != std::string::npos;
  out.server = "https://" + (ipv6 ? "[" + *host + "]" : *host) + ":" + *port;
  // Without ca.crt client-go goes on with the system roots; so does this.
  if (Result<std::string> ca = ReadWholeFile((dir / "ca.crt").string(), "ca.crt"); ca.ok())
    out.ca_pem = *ca;
  if (std::optional<std::string> ns = NonEmptyEnv(env, "POD_NAMESPACE")) {
    out.namespace_ = *ns;
  } else if (Result<std::string> file = ReadWholeFile((dir / "namespace").string(), "namespace");
             file.ok()) {
    out.namespace_ = std::string(AsciiTrim(*file));
  }
  if (out.namespace_.empty()) out.namespace_ = "default";
  out.source = "in-cluster";
  return out;
}

Result<ClusterConfig> Locate(const ConfigOptions& options, const EnvLookup& env) {
  if (!options.kubeconfig.empty()) {
    return LoadKubeconfigs({options.kubeconfig}, true, options.kubeconfig, options.context);
  }
  if (std::optional<std::string> list = NonEmptyEnv(env, "KUBECONFIG")) {
    return LoadKubeconfigs(SplitPathList(*list), false, *list, options.context);
  }
  std::string not_in_cluster;
  if (std::optional<ClusterConfig> in_cluster = LoadInCluster(options, env, not_in_cluster)) {
    return std::move(*in_cluster);
  }

  const std::string looked = "no --kubeconfig, KUBECONFIG is not set, " + not_in_cluster;
  std::optional<std::string> home = NonEmptyEnv(env, "HOME");
  if (!home)
    return NotFound("no Kubernetes configuration found: " + looked + ", and HOME is not set");
  const std::string home_config = (std::filesystem::path(*home) / ".kube" / "config").string();
  std::error_code ec;
  if (!std::filesystem::exists(home_config, ec)) {
    return NotFound("no Kubernetes configuration found: " + looked + ", and " + home_config +
                    " does not exist");
  }
  return LoadKubeconfigs({home_config}, true, home_config, options.context);
}

}  // namespace

std::shared_ptr<TokenFileCache> ClusterConfig::MakeTokenFileCache() {
  return std::make_shared<TokenFileCache>();
}

http::TransportOptions ClusterConfig::ToTransportOptions() const {
  http::TransportOptions options;
  options.ca_pem = ca_pem;
  options.client_cert_pem = client_cert_pem;
  options.client_key_pem = client_key_pem;
  options.insecure_skip_tls_verify = insecure_skip_tls_verify;
  return options;
}

Result<std::string> ClusterConfig::BearerToken() const {
  if (token_file.empty()) return token.empty() ? std::string() : "Bearer " + token;
  std::lock_guard<std::mutex> lock(token_file_cache->mu);
  TokenFileCache& cache = *token_file_cache;
  if (cache.path != token_file) {  // a copy of the config was pointed at another file
    cache.path = token_file;
    cache.token.clear();
    cache.read_at.reset();
  }
  const auto now = clock->Steady();
  if (!cache.read_at || now - *cache.read_at >= kTokenFileRereadInterval) {
    Result<std::string> fresh = ReadTokenFile(token_file, "token file");
    if (fresh.ok()) {
      cache.token = *fresh;
      cache.read_at = now;
    } else if (cache.token.empty() && token.empty()) {
      return fresh.status();
    }  // else: keep the last good token (the next call tries the file again)
  }
  return "Bearer " + (cache.token.empty() ? token : cache.token);
}

Result<ClusterConfig> LoadClusterConfig(const ConfigOptions& options) {
  const EnvLookup env = options.env ? options.env : ProcessEnvironment();
  Result<ClusterConfig> config = Locate(options, env);
  if (!config.ok()) return config.status();
  config->clock = options.clock;
  return config;
}

}  // namespace spaceport::kube
