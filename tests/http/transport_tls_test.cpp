// The cpprestsdk Transport's TLS options (ca_pem, client certificate, insecure_skip_tls_verify)
// against a real TLS peer: `openssl s_server -www`, with a CA, a server certificate for
// IP:127.0.0.1 and a client certificate made by the openssl CLI in a temp dir (the support
// library has no TLS server). Two servers run for the whole suite: one that asks for nothing and
// one that requires a client certificate signed by the CA. Nothing leaves the machine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "http/http.h"
#include "support/process.h"
#include "support/registry_process.h"
#include "support/temp_dir.h"

namespace spaceport::http {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Status RunOpenssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  support::CommandResult r = support::RunCommand(args);
  if (r.exit_code != 0) return Internal("openssl " + args[1] + " failed: " + r.output);
  return Status::Ok();
}

// A CA, a server certificate (IP:127.0.0.1) and a client certificate it signed, an encrypted copy
// of the client key, and a second CA that signed nothing.
Status MakePki(const std::filesystem::path& dir) {
  const auto at = [&](const char* name) { return (dir / name).string(); };
  // EC P-256 keys: generating them takes milliseconds, unlike RSA.
  const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt",
                                           "ec_paramgen_curve:prime256v1", "-nodes"};
  const auto self_signed = [&](const char* name, const char* cn) {
    std::vector<std::string> args = {"req", "-x509"};
    args.insert(args.end(), ec_key.begin(), ec_key.end());
    args.insert(args.end(), {"-keyout", at(name) + ".key", "-out", at(name) + ".crt", "-days", "2",
                             "-subj", std::string("/CN=") + cn});
    return RunOpenssl(args);
  };
  const auto signed_by_ca = [&](const char* name, const char* cn, const std::string& extension) {
    std::vector<std::string> request = {"req"};
    request.insert(request.end(), ec_key.begin(), ec_key.end());
    request.insert(request.end(), {"-keyout", at(name) + ".key", "-out", at(name) + ".csr", "-subj",
                                   std::string("/CN=") + cn});
    if (Status s = RunOpenssl(request); !s.ok()) return s;
    if (!support::WriteFile(at(name) + ".ext", extension + "\n"))
      return Internal("cannot write .ext");
    return RunOpenssl({"x509", "-req", "-in", at(name) + ".csr", "-CA", at("ca.crt"), "-CAkey",
                       at("ca.key"), "-CAcreateserial", "-out", at(name) + ".crt", "-days", "2",
                       "-extfile", at(name) + ".ext"});
  };
  // In order (a braced list is evaluated left to right): the CA signs the later certificates.
  for (Status s :
       {self_signed("ca", "spaceport-test-ca"), self_signed("other-ca", "spaceport-other-ca"),
        signed_by_ca("server", "127.0.0.1", "subjectAltName=IP:127.0.0.1"),
        signed_by_ca("client", "spaceport-client", "extendedKeyUsage=clientAuth"),
        RunOpenssl({"pkey", "-in", at("client.key"), "-aes256", "-passout", "pass:s3cret", "-out",
                    at("client-encrypted.key")})}) {
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// `openssl s_server -www` on a free loopback port; answers GET with a 200 status page.
class TlsServer {
 public:
  static Result<std::unique_ptr<TlsServer>> Start(const std::filesystem::path& dir,
                                                  bool require_client_cert) {
    auto server = std::unique_ptr<TlsServer>(new TlsServer());
    server->port_ = support::PickFreePort();
    std::vector<std::string> argv = {"openssl", "s_server", "-www", "-accept",
                                     "127.0.0.1:" + std::to_string(server->port_)};
    argv.insert(argv.end(),
                {"-cert", (dir / "server.crt").string(), "-key", (dir / "server.key").string()});
    if (require_client_cert)
      argv.insert(argv.end(), {"-Verify", "1", "-CAfile", (dir / "ca.crt").string()});
    const std::string log = require_client_cert ? "s_server-mtls.log" : "s_server.log";
    Result<support::ChildProcess> process = support::ChildProcess::Start(argv, dir / log);
    if (!process.ok()) return process.status();
    server->process_.emplace(std::move(*process));
    // s_server prints (and flushes) ACCEPT once it listens.
    for (int i = 0; i < 500; ++i) {
      if (server->process_->Log().find("ACCEPT") != std::string::npos) return server;
      if (!server->process_->Running()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Internal("openssl s_server did not start: " + server->process_->Log());
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

 private:
  TlsServer() = default;
  int port_ = 0;
  std::optional<support::ChildProcess> process_;
};

class TransportTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new support::TempDir("spaceport-tls");
    if (Status s = support::RequireExecutable("openssl"); !s.ok()) {
      setup_error_ = s.ToString();
      return;
    }
    if (Status s = MakePki(dir_->path()); !s.ok()) {
      setup_error_ = s.ToString();
      return;
    }
    auto plain = TlsServer::Start(dir_->path(), false);
    auto mtls = TlsServer::Start(dir_->path(), true);
    if (!plain.ok() || !mtls.ok()) {
      setup_error_ = (plain.ok() ? mtls.status() : plain.status()).ToString();
      return;
    }
    server_ = std::move(*plain).release();
    mtls_server_ = std::move(*mtls).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete mtls_server_;
    delete dir_;
    server_ = mtls_server_ = nullptr;
    dir_ = nullptr;
  }
  void SetUp() override { ASSERT_EQ(setup_error_, "") << "the TLS test servers did not start"; }

  static std::string Pem(const char* name) { return support::ReadFile(dir_->path() / name); }

  static Result<Response> Get(const TransportOptions& options, const TlsServer& server) {
    Request request;
    request.url = server.url();
    request.timeout = std::chrono::milliseconds(5000);
    return MakeTransport(options)->Send(request);
  }

  static TransportOptions TrustingTheCa() {
    TransportOptions options;
    options.ca_pem = Pem("ca.crt");
    return options;
  }

  static inline support::TempDir* dir_ = nullptr;
  static inline TlsServer* server_ = nullptr;
  static inline TlsServer* mtls_server_ = nullptr;
  static inline std::string setup_error_;
};

TEST_F(TransportTls, ServerSignedByTheCaInCaPemAnswers200) {
  Result<Response> r = Get(TrustingTheCa(), *server_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TransportTls, CaPemWithSeveralCertificatesTrustsEachOfThem) {
  TransportOptions options;
  options.ca_pem = Pem("other-ca.crt") + Pem("ca.crt");
  Result<Response> r = Get(options, *server_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TransportTls, ServerSignedByAnUntrustedCaFailsTheHandshake) {
  for (const std::string& ca : {std::string(), Pem("other-ca.crt")}) {
    TransportOptions options;
    options.ca_pem = ca;
    Result<Response> r = Get(options, *server_);
    ASSERT_FALSE(r.ok()) << "trusted with ca_pem of " << ca.size() << " bytes";
    EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
    EXPECT_THAT(r.status().message(), HasSubstr("SSL handshake"));
  }
}

TEST_F(TransportTls, InsecureSkipTlsVerifyAcceptsAnUntrustedServer) {
  TransportOptions options;
  options.insecure_skip_tls_verify = true;
  Result<Response> r = Get(options, *server_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TransportTls, ClientCertificateRequiredAndGivenAnswers200) {
  TransportOptions options = TrustingTheCa();
  options.client_cert_pem = Pem("client.crt");
  options.client_key_pem = Pem("client.key");
  Result<Response> r = Get(options, *mtls_server_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST_F(TransportTls, ClientCertificateRequiredButNotGivenFails) {
  // With TLS 1.3 the client's handshake completes before the server checks the (missing)
  // certificate; the server's alert then ends the exchange before any response.
  Result<Response> r = Get(TrustingTheCa(), *mtls_server_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
}

TEST_F(TransportTls, UnusableTlsOptionsFailEveryHttpsRequestWithoutLeakingTheKey) {
  const std::string canary = "KEYCANARYc2VjcmV0a2V5Ynl0ZXM";
  const std::string fake_key =
      "-----BEGIN PRIVATE KEY-----\n" + canary + "\n-----END PRIVATE KEY-----\n";
  const std::string bad_key =
      "the TLS client key (client_key_pem) is not an unencrypted PEM private key matching the "
      "client certificate";
  const std::string half =
      "a TLS client certificate (client_cert_pem) and its key (client_key_pem) go together; only "
      "one of them is set";
  const auto client = [](std::string cert, std::string key) {
    TransportOptions options = TrustingTheCa();
    options.client_cert_pem = std::move(cert);
    options.client_key_pem = std::move(key);
    return options;
  };
  TransportOptions bad_ca = TrustingTheCa();
  bad_ca.ca_pem = "not a certificate";
  struct Case {
    const char* name;
    TransportOptions options;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"ca_pem is not PEM", bad_ca, "the trusted CA certificates (ca_pem) are not valid PEM"},
      {"client cert is not PEM", client("junk", Pem("client.key")),
       "the TLS client certificate (client_cert_pem) is not a valid PEM certificate chain"},
      {"key is garbage inside PEM armour", client(Pem("client.crt"), fake_key), bad_key},
      {"key is encrypted", client(Pem("client.crt"), Pem("client-encrypted.key")), bad_key},
      {"key of another certificate", client(Pem("client.crt"), Pem("server.key")), bad_key},
      {"certificate without key", client(Pem("client.crt"), ""), half},
      {"key without certificate", client("", fake_key), half},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto transport = MakeTransport(c.options);
    for (int attempt = 0; attempt < 2; ++attempt) {  // every request, not only the first
      Request request;
      request.url = mtls_server_->url();
      Result<Response> r = transport->Send(request);
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
      EXPECT_EQ(r.status().message(), c.message);
      EXPECT_THAT(r.status().message(), Not(HasSubstr(canary)));
      EXPECT_THAT(r.status().message(), Not(HasSubstr("PRIVATE KEY")));
    }
  }
}

}  // namespace
}  // namespace spaceport::http
