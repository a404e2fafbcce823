// LoadClusterConfig: where the cluster is found (flag, KUBECONFIG, in-cluster, $HOME), how a
// kubeconfig's entries turn into a ClusterConfig, the errors a user sees, and the token file
// re-read. Every file lives in a temp dir and the environment is a map, so nothing of the
// machine's own configuration is read.
#include "clients/kube/kube_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "base/atomic_file.h"
#include "base/base64.h"
#include "base/clock.h"
#include "support/temp_dir.h"

namespace spaceport::kube {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Planted as the user's token in every kubeconfig below: no message may ever show it.
const std::string kCanaryToken = "CANARY-TOKEN-3f9d1c";

const std::string kCaPem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
const std::string kCertPem = "-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n";
const std::string kKeyPem = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

// One kubeconfig with a single cluster "c", user "u" and context "ctx". Each entry's body is a
// list of `key: value` fields, written as a YAML flow mapping.
struct Kubeconfig {
  std::string current_context = "ctx";
  std::vector<std::string> cluster = {"server: https://k.example:6443"};
  std::vector<std::string> user = {"token: " + kCanaryToken};
  std::vector<std::string> context = {"cluster: c", "user: u"};

  std::string Yaml() const {
    const auto flow = [](const std::vector<std::string>& fields) {
      std::string out = "{";
      for (const std::string& f : fields) out += (out.size() > 1 ? ", " : "") + f;
      return out + "}";
    };
    std::string yaml = "apiVersion: v1\nkind: Config\n";
    if (!current_context.empty()) yaml += "current-context: " + current_context + "\n";
    return yaml + "clusters:\n- name: c\n  cluster: " + flow(cluster) +
           "\nusers:\n- name: u\n  user: " + flow(user) +
           "\ncontexts:\n- name: ctx\n  context: " + flow(context) + "\n";
  }
};

class KubeConfigTest : public ::testing::Test {
 protected:
  // Writes `content` at `relative` below the temp dir; returns the full path.
  std::string Write(const std::string& relative, const std::string& content) {
    const std::filesystem::path path = dir_.path() / relative;
    EXPECT_TRUE(support::WriteFile(path, content)) << path;
    return path.string();
  }
  std::string Path(const std::string& relative) const { return (dir_.path() / relative).string(); }
  // "$DIR" in an expected message stands for the temp dir.
  std::string Expand(std::string text) const {
    for (size_t at; (at = text.find("$DIR")) != std::string::npos;)
      text.replace(at, 4, dir_.path().string());
    return text;
  }

  ConfigOptions Options() {
    ConfigOptions options;
    options.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    options.in_cluster_dir = Path("serviceaccount");
    options.clock = &clock_;
    return options;
  }

  void MakeInCluster(const std::string& host = "10.96.0.1") {
    env_["KUBERNETES_SERVICE_HOST"] = host;
    env_["KUBERNETES_SERVICE_PORT"] = "443";
    Write("serviceaccount/token", "sa-token\n");
    Write("serviceaccount/ca.crt", kCaPem);
    Write("serviceaccount/namespace", "spaceport-system\n");
  }

  support::TempDir dir_{"spaceport-kubeconfig"};
  std::map<std::string, std::string> env_;
  FakeClock clock_;
};

// The Authorization value, or "error: MESSAGE".
std::string BearerOf(const ClusterConfig& config) {
  Result<std::string> bearer = config.BearerToken();
  return bearer.ok() ? *bearer : "error: " + bearer.status().message();
}

Kubeconfig WithServer(const std::string& server) {
  Kubeconfig kc;
  kc.cluster = {"server: " + server};
  return kc;
}

TEST_F(KubeConfigTest, FlagBeatsKubeconfigEnvBeatsInClusterBeatsHome) {
  struct Row {
    const char* name;
    bool flag, kubeconfig_env, in_cluster, home;
    std::string server, source;
  };
  const std::vector<Row> rows = {
      {"all four", true, true, true, true, "https://flag.example",
       "kubeconfig $DIR/flag.yaml (context ctx)"},
      {"no flag", false, true, true, true, "https://env.example",
       "kubeconfig $DIR/env.yaml (context ctx)"},
      {"no flag, no KUBECONFIG", false, false, true, true, "https://10.96.0.1:443", "in-cluster"},
      {"only home", false, false, false, true, "https://home.example",
       "kubeconfig $DIR/home/.kube/config (context ctx)"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    env_.clear();
    std::filesystem::remove_all(dir_.path());
    ConfigOptions options = Options();
    if (row.flag)
      options.kubeconfig = Write("flag.yaml", WithServer("https://flag.example").Yaml());
    if (row.kubeconfig_env)
      env_["KUBECONFIG"] = Write("env.yaml", WithServer("https://env.example").Yaml());
    if (row.in_cluster) MakeInCluster();
    env_["HOME"] = Path("home");
    if (row.home) Write("home/.kube/config", WithServer("https://home.example").Yaml());

    Result<ClusterConfig> config = LoadClusterConfig(options);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->server, row.server);
    EXPECT_EQ(config->source, Expand(row.source));
  }
}

TEST_F(KubeConfigTest, KubeconfigListFirstFileToSetAValueWinsAndMissingFilesAreSkipped) {
  // a.yaml: current-context and cluster "c"; b.yaml: another current-context, another "c", and
  // the user "u" that a.yaml lacks.
  Write("a.yaml",
        "current-context: ctx\n"
        "clusters: [{name: c, cluster: {server: 'https://a.example'}}]\n"
        "contexts: [{name: ctx, context: {cluster: c, user: u, namespace: from-a}}]\n");
  Write("b/b.yaml",
        "current-context: other\n"
        "clusters: [{name: c, cluster: {server: 'https://b.example'}}]\n"
        "users: [{name: u, user: {tokenFile: token}}]\n"
        "contexts: [{name: ctx, context: {cluster: c, namespace: from-b}}, {name: other, context: "
        "{cluster: c}}]\n");
  Write("b/token", "token-from-b\n");
  env_["KUBECONFIG"] = Path("missing.yaml") + ":" + Path("a.yaml") + "::" + Path("b/b.yaml");

  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->server, "https://a.example");
  EXPECT_EQ(config->namespace_, "from-a");
  EXPECT_EQ(config->token_file, Path("b/token")) << "relative to the file that named it";
  EXPECT_EQ(config->source, "kubeconfig " + env_["KUBECONFIG"] + " (context ctx)");
  EXPECT_EQ(BearerOf(*config), "Bearer token-from-b");
}

TEST_F(KubeConfigTest, ContextFlagOverridesCurrentContext) {
  ConfigOptions options = Options();
  options.kubeconfig =
      Write("config",
            "current-context: one\n"
            "clusters: [{name: c1, cluster: {server: 'https://one.example'}},"
            " {name: c2, cluster: {server: 'https://two.example'}}]\n"
            "contexts: [{name: one, context: {cluster: c1}}, {name: two, context: {cluster: c2, "
            "namespace: ns2}}]\n");
  options.context = "two";
  Result<ClusterConfig> config = LoadClusterConfig(options);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->server, "https://two.example");
  EXPECT_EQ(config->namespace_, "ns2");
  EXPECT_EQ(config->source, "kubeconfig " + options.kubeconfig + " (context two)");
}

TEST_F(KubeConfigTest, EachCredentialAndTlsFormIsRead) {
  Write("pki/ca.crt", kCaPem);
  Write("pki/client.crt", kCertPem);
  Write("pki/client.key", kKeyPem);
  Write("secrets/token", "  file-token\n");
  struct Row {
    const char* name;
    std::vector<std::string> cluster, user;
    ClusterConfig want;  // only the fields compared below
    std::string bearer;
  };
  const std::string server = "server: https://k.example:6443/";
  const auto want = [](auto edit) {
    ClusterConfig c;
    c.server = "https://k.example:6443";
    c.namespace_ = "default";
    edit(c);
    return c;
  };
  const std::vector<Row> rows = {
      {"static token",
       {server},
       {"token: tok"},
       want([](ClusterConfig& c) { c.token = "tok"; }),
       "Bearer tok"},
      {"tokenFile relative to the kubeconfig",
       {server},
       {"tokenFile: secrets/token"},
       want([&](ClusterConfig& c) {
         c.token = "file-token";
         c.token_file = Path("secrets/token");
       }),
       "Bearer file-token"},
      {"client certificate and key data",
       {server},
       {"client-certificate-data: " + Base64Encode(kCertPem),
        "client-key-data: " + Base64Encode(kKeyPem)},
       want([](ClusterConfig& c) {
         c.client_cert_pem = kCertPem;
         c.client_key_pem = kKeyPem;
       }),
       ""},
      {"client certificate and key files relative to the kubeconfig",
       {server},
       {"client-certificate: pki/client.crt", "client-key: " + Path("pki/client.key")},
       want([](ClusterConfig& c) {
         c.client_cert_pem = kCertPem;
         c.client_key_pem = kKeyPem;
       }),
       ""},
      {"certificate-authority-data",
       {server, "certificate-authority-data: " + Base64Encode(kCaPem)},
       {},
       want([](ClusterConfig& c) { c.ca_pem = kCaPem; }),
       ""},
      {"certificate-authority file relative to the kubeconfig",
       {server, "certificate-authority: pki/ca.crt"},
       {},
       want([](ClusterConfig& c) { c.ca_pem = kCaPem; }),
       ""},
      {"insecure-skip-tls-verify",
       {server, "insecure-skip-tls-verify: true"},
       {},
       want([](ClusterConfig& c) { c.insecure_skip_tls_verify = true; }),
       ""},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Kubeconfig kc;
    kc.cluster = row.cluster;
    kc.user = row.user;
    ConfigOptions options = Options();
    options.kubeconfig = Write("config", kc.Yaml());
    Result<ClusterConfig> config = LoadClusterConfig(options);
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->server, row.want.server);
    EXPECT_EQ(config->ca_pem, row.want.ca_pem);
    EXPECT_EQ(config->insecure_skip_tls_verify, row.want.insecure_skip_tls_verify);
    EXPECT_EQ(config->token, row.want.token);
    EXPECT_EQ(config->token_file, row.want.token_file);
    EXPECT_EQ(config->client_cert_pem, row.want.client_cert_pem);
    EXPECT_EQ(config->client_key_pem, row.want.client_key_pem);
    EXPECT_EQ(config->namespace_, row.want.namespace_);
    EXPECT_EQ(BearerOf(*config), row.bearer);
  }
}

TEST_F(KubeConfigTest, EntriesWithoutABodyAreEmptyAndAUserWithoutCredentialsIsAnonymous) {
  ConfigOptions options = Options();
  options.kubeconfig = Write("config",
                             "current-context: ctx\n"
                             "clusters: [{name: c, cluster: {server: 'https://k.example'}}]\n"
                             "users: [{name: u}]\n"
                             "contexts: [{name: ctx, context: {cluster: c, user: u}}]\n");
  Result<ClusterConfig> config = LoadClusterConfig(options);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(BearerOf(*config), "");
  EXPECT_EQ(config->client_cert_pem, "");
}

TEST_F(KubeConfigTest, ToTransportOptionsCarriesTheTlsSettings) {
  ClusterConfig config;
  config.ca_pem = kCaPem;
  config.client_cert_pem = kCertPem;
  config.client_key_pem = kKeyPem;
  config.insecure_skip_tls_verify = true;
  http::TransportOptions options = config.ToTransportOptions();
  EXPECT_EQ(options.ca_pem, kCaPem);
  EXPECT_EQ(options.client_cert_pem, kCertPem);
  EXPECT_EQ(options.client_key_pem, kKeyPem);
  EXPECT_TRUE(options.insecure_skip_tls_verify);
}

TEST_F(KubeConfigTest, ErrorsNameWhatIsMissingAndWhereButNeverTheToken) {
  struct Row {
    const char* name;
    std::function<void(Kubeconfig&, ConfigOptions&)> setup;
    std::string message;  // exact; $DIR is the temp dir, the kubeconfig is $DIR/config
  };
  const auto no_auth =
      "which Spaceport does not support; use token, tokenFile, or client-certificate(-data) with "
      "client-key(-data)";
  const std::vector<Row> rows = {
      {"no current-context", [](Kubeconfig& kc, ConfigOptions&) { kc.current_context = ""; },
       "kubeconfig $DIR/config sets no current-context; pass --context (contexts: \"ctx\")"},
      {"current-context names no context",
       [](Kubeconfig& kc, ConfigOptions&) { kc.current_context = "gone"; },
       "kubeconfig $DIR/config has no context \"gone\" (its current-context); contexts: \"ctx\""},
      {"--context names no context", [](Kubeconfig&, ConfigOptions& o) { o.context = "nope"; },
       "kubeconfig $DIR/config has no context \"nope\" (--context); contexts: \"ctx\""},
      {"missing cluster",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.context = {"cluster: gone", "user: u"};
       },
       "context \"ctx\" in kubeconfig $DIR/config names cluster \"gone\", which kubeconfig "
       "$DIR/config does not "
       "define"},
      {"context without cluster", [](Kubeconfig& kc, ConfigOptions&) { kc.context = {"user: u"}; },
       "context \"ctx\" in kubeconfig $DIR/config names no cluster"},
      {"cluster without server", [](Kubeconfig& kc, ConfigOptions&) { kc.cluster = {}; },
       "cluster \"c\" in kubeconfig $DIR/config has no server"},
      {"missing user",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.context = {"cluster: c", "user: ghost"};
       },
       "context \"ctx\" in kubeconfig $DIR/config names user \"ghost\", which kubeconfig "
       "$DIR/config does not "
       "define"},
      {"kubeconfig does not exist",
       [](Kubeconfig&, ConfigOptions& o) { o.kubeconfig += ".missing"; },
       "kubeconfig $DIR/config.missing does not exist"},
      {"kubeconfig is a directory",
       [this](Kubeconfig&, ConfigOptions& o) {
         o.kubeconfig = Path("dir");
         std::filesystem::create_directories(o.kubeconfig);
       },
       "kubeconfig $DIR/dir is a directory"},
      {"kubeconfig is not YAML",
       [this](Kubeconfig&, ConfigOptions& o) { o.kubeconfig = Write("broken.yaml", "users: [\n"); },
       "kubeconfig $DIR/broken.yaml: line 2, column 1: end of sequence flow not found"},
      {"certificate-authority file missing",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.cluster.push_back("certificate-authority: ca.crt");
       },
       "cluster \"c\" in kubeconfig $DIR/config: certificate-authority $DIR/ca.crt does not exist"},
      {"certificate-authority-data not PEM",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.cluster.push_back("certificate-authority-data: " + Base64Encode("x"));
       },
       "cluster \"c\" in kubeconfig $DIR/config: certificate-authority-data is not PEM (no "
       "-----BEGIN line)"},
      {"insecure with a CA",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.cluster.push_back("insecure-skip-tls-verify: true");
         kc.cluster.push_back("certificate-authority-data: " + Base64Encode(kCaPem));
       },
       "cluster \"c\" in kubeconfig $DIR/config sets both insecure-skip-tls-verify and a "
       "certificate authority"},
      {"bad base64",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.user.push_back("client-certificate-data: " + Base64Encode(kCertPem));
         kc.user.push_back("client-key-data: '" + kCanaryToken + "!'");
       },
       "user \"u\" in kubeconfig $DIR/config: client-key-data is not valid base64"},
      {"certificate without key",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.user.push_back("client-certificate-data: " + Base64Encode(kCertPem));
       },
       "user \"u\" in kubeconfig $DIR/config has a client certificate without its key; set both "
       "client-certificate(-data) and client-key(-data)"},
      {"tokenFile missing", [](Kubeconfig& kc, ConfigOptions&) { kc.user = {"tokenFile: token"}; },
       "user \"u\" in kubeconfig $DIR/config: tokenFile $DIR/token does not exist"},
      {"exec plugin",
       [](Kubeconfig& kc, ConfigOptions&) { kc.user.push_back("exec: {command: aws}"); },
       std::string("user \"u\" in kubeconfig $DIR/config authenticates with an exec credential "
                   "plugin (exec), ") +
           no_auth},
      {"auth-provider",
       [](Kubeconfig& kc, ConfigOptions&) { kc.user.push_back("auth-provider: {name: gcp}"); },
       std::string("user \"u\" in kubeconfig $DIR/config authenticates with an auth-provider, ") +
           no_auth},
      {"basic auth",
       [](Kubeconfig& kc, ConfigOptions&) {
         kc.user.push_back("username: admin");
         kc.user.push_back("password: " + kCanaryToken);
       },
       std::string("user \"u\" in kubeconfig $DIR/config authenticates with basic auth "
                   "(username/password), ") +
           no_auth},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Kubeconfig kc;
    ConfigOptions options = Options();
    options.kubeconfig = Path("config");
    row.setup(kc, options);
    Write("config", kc.Yaml());
    Result<ClusterConfig> config = LoadClusterConfig(options);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().message(), Expand(row.message));
    EXPECT_THAT(config.status().ToString(), Not(HasSubstr(kCanaryToken)));
  }
}

TEST_F(KubeConfigTest, KubeconfigListOfMissingFilesSaysSo) {
  env_["KUBECONFIG"] = Path("a") + ":" + Path("b");
  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            Expand("KUBECONFIG lists $DIR/a:$DIR/b, but none of those files exists"));
}

TEST_F(KubeConfigTest, NothingFoundListsEveryPlaceLookedAt) {
  env_["HOME"] = Path("home");
  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(config.status().message(),
            Expand("no Kubernetes configuration found: no --kubeconfig, KUBECONFIG is not set, not "
                   "in a cluster "
                   "(KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set), and "
                   "$DIR/home/.kube/config "
                   "does not exist"));
}

TEST_F(KubeConfigTest, InClusterWithoutTokenFallsBackToHomeAndSaysWhy) {
  env_["KUBERNETES_SERVICE_HOST"] = "10.96.0.1";
  env_["KUBERNETES_SERVICE_PORT"] = "443";
  env_["HOME"] = Path("home");
  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            Expand("no Kubernetes configuration found: no --kubeconfig, KUBECONFIG is not set, in "
                   "a cluster, but "
                   "the service account token $DIR/serviceaccount/token does not exist, and "
                   "$DIR/home/.kube/config does not exist"));

  Write("home/.kube/config", WithServer("https://home.example").Yaml());
  config = LoadClusterConfig(Options());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->server, "https://home.example");
}

TEST_F(KubeConfigTest, InClusterReadsTheServiceAccountFiles) {
  struct Row {
    const char* name;
    std::string host;
    std::optional<std::string> pod_namespace;
    bool namespace_file;
    std::string server, namespace_;
  };
  const std::vector<Row> rows = {
      {"IPv4", "10.96.0.1", std::nullopt, true, "https://10.96.0.1:443", "spaceport-system"},
      {"IPv6 gets brackets", "fd00:10:96::1", std::nullopt, true, "https://[fd00:10:96::1]:443",
       "spaceport-system"},
      {"POD_NAMESPACE wins", "10.96.0.1", "from-env", true, "https://10.96.0.1:443", "from-env"},
      {"no namespace file", "10.96.0.1", std::nullopt, false, "https://10.96.0.1:443", "default"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    env_.clear();
    MakeInCluster(row.host);
    if (row.pod_namespace) env_["POD_NAMESPACE"] = *row.pod_namespace;
    if (!row.namespace_file) std::filesystem::remove(Path("serviceaccount/namespace"));
    Result<ClusterConfig> config = LoadClusterConfig(Options());
    ASSERT_TRUE(config.ok()) << config.status().ToString();
    EXPECT_EQ(config->server, row.server);
    EXPECT_EQ(config->namespace_, row.namespace_);
    EXPECT_EQ(config->ca_pem, kCaPem);
    EXPECT_EQ(config->token_file, Path("serviceaccount/token"));
    EXPECT_EQ(config->source, "in-cluster");
    EXPECT_EQ(BearerOf(*config), "Bearer sa-token");
  }
}

TEST_F(KubeConfigTest, RotatedTokenFileIsSeenAfterTheMinuteAndTheLastGoodTokenOutlivesTheFile) {
  MakeInCluster();
  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const auto bearer = [&] { return BearerOf(*config); };
  EXPECT_EQ(bearer(), "Bearer sa-token");

  Write("serviceaccount/token", "rotated-token\n");
  clock_.Advance(std::chrono::seconds(59));
  EXPECT_EQ(bearer(), "Bearer sa-token") << "read again only once a minute";
  clock_.Advance(std::chrono::seconds(2));
  EXPECT_EQ(bearer(), "Bearer rotated-token");

  std::filesystem::remove(Path("serviceaccount/token"));
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(bearer(), "Bearer rotated-token");
  Write("serviceaccount/token", "third-token");
  EXPECT_EQ(bearer(), "Bearer third-token") << "a failed read is retried on the next use";
}

TEST_F(KubeConfigTest, BearerTokenFromManyThreadsWhileTheFileRotatesSeesOnlyWholeTokens) {
  MakeInCluster();
  Result<ClusterConfig> config = LoadClusterConfig(Options());
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::atomic<bool> stop{false};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) {
    readers.emplace_back([&] {
      while (!stop) {
        const std::string bearer = BearerOf(*config);
        if (bearer != "Bearer sa-token" && !bearer.starts_with("Bearer token-")) ++unexpected;
      }
    });
  }
  // The kubelet swaps the file atomically too.
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(
        WriteFileAtomically(Path("serviceaccount/token"), "token-" + std::to_string(i)).ok());
    clock_.Advance(std::chrono::minutes(1));
  }
  stop = true;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(unexpected, 0);
  EXPECT_EQ(BearerOf(*config), "Bearer token-199");
}

TEST_F(KubeConfigTest, TokenFileNeverReadableFailsWithoutShowingTheToken) {
  ClusterConfig config;
  config.token_file = Path("absent");
  config.clock = &clock_;
  Result<std::string> bearer = config.BearerToken();
  ASSERT_FALSE(bearer.ok());
  EXPECT_EQ(bearer.status().message(), Expand("token file $DIR/absent does not exist"));

  config.token = kCanaryToken;  // a static token is the fallback, as in client-go
  bearer = config.BearerToken();
  ASSERT_TRUE(bearer.ok());
  EXPECT_EQ(*bearer, "Bearer " + kCanaryToken);
}

}  // namespace
}  // namespace spaceport::kube
