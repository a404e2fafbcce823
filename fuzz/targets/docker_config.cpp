// Feeds: arbitrary bytes as a docker config.json to oci::CredentialsFromDockerConfig, looked up
// for several registry hosts (plain host, host:port, the Docker Hub aliases, a URL-form key).
// Checks beyond "no crash": credentials found carry a non-empty source naming the file, and an
// error message never contains the decoded password (secrets stay out of errors).
#include <string>

#include "clients/oci/credentials.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport::oci;
  const std::string_view text = FuzzText(data, size);
  std::string last_password;
  for (std::string_view host : {"ghcr.io", "127.0.0.1:5000", "docker.io", "index.docker.io",
                                "registry-1.docker.io", "https://ghcr.io"}) {
    auto r = CredentialsFromDockerConfig(text, host, "/fuzz/config.json");
    if (!r.ok()) {
      if (last_password.size() >= 8)
        FUZZ_CHECK(r.status().message().find(last_password) == std::string::npos, "no password in errors");
      continue;
    }
    if (!r->has_value()) continue;
    FUZZ_CHECK(!(*r)->source.empty(), "credentials say where they came from");
    last_password = (*r)->password;
  }
  return 0;
}
