// Does a base image exist? The emulated builder asks this for every FROM image of a Space's
// Dockerfile; a missing image fails the build (BUILD_ERROR with a log line), as on the Hub.
//
// RegistryImageProbe asks a real registry: GET /v2/<repo>/manifests/<ref> with the four
// manifest media types in Accept, anonymously first, then with a Bearer token fetched from
// the challenge's realm (anonymously, or with Basic credentials configured for the host), or
// with Basic credentials directly. Hosts are mapped to base URLs (ghcr.io →
// http://127.0.0.1:5000); loopback hosts are used as they are; other hosts are never contacted.
//
// Check() blocks on the network, so it runs on the BuildChecker's thread, never in a handler.
//
//   RegistryImageProbe probe(http::MakeTransport({}), {.registry_map = {{"ghcr.io", url}}});
//   ProbeResult r = probe.Check(*ImageRef::Parse("ghcr.io/acme/app:v1"));
//   if (!r.exists) log(r.detail);   // "ghcr.io/acme/app:v1: not found"
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "emulators/hub/image_ref.h"
#include "emulators/hub/options.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

struct ProbeResult {
  bool exists = false;
  std::string detail;  // why it is missing (or how it was judged), for the build log
};

class ImageProbe {
 public:
  virtual ~ImageProbe() = default;
  virtual ProbeResult Check(const ImageRef& ref) = 0;
};

struct RegistryProbeOptions {
  std::map<std::string, std::string> registry_map;
  std::map<std::string, std::string> registry_credentials;  // host → "user:password"
  UnmappedRegistry unmapped = UnmappedRegistry::kImageMissing;
  std::chrono::milliseconds timeout{10000};
};

class RegistryImageProbe final : public ImageProbe {
 public:
  RegistryImageProbe(std::unique_ptr<http::Transport> transport, RegistryProbeOptions options);
  ProbeResult Check(const ImageRef& ref) override;

 private:
  std::optional<std::string> Authorize(const std::string& www_authenticate,
                                       const std::optional<std::string>& basic);

  std::unique_ptr<http::Transport> transport_;
  RegistryProbeOptions options_;
};

// The Accept header sent for manifests: OCI index and manifest, Docker list and manifest.
extern const char* const kManifestAccept;

}  // namespace spaceport::hub_emulator
