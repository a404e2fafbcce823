// MemoryRegistry: an in-memory OCI Distribution registry (anonymous, one host) for in-process
// tests that need a registry to read from and push to within one pass — the reconciler's, whose
// passes list tags, read manifests and configs, and publish wrappers. It serves the parts of the
// distribution spec Spaceport's client uses: tags/list, manifests GET/HEAD/PUT by tag or digest,
// blobs HEAD/GET, monolithic uploads (POST then PUT ?digest=) and mount (declined: 202, so the
// client uploads). Reached through support::InProcessTransport, so nothing listens and nothing
// sleeps. The real registry (registry_process.h) stays the reference for the client itself.
//
//   support::MemoryRegistry registry;
//   support::InProcessTransport transport([&](const auto& in) { return registry.Handle(in); });
//   registry.PushImage("acme/app", "v1", R"({"architecture":"amd64","os":"linux","config":{}})");
//   registry.Tags("acme/app");   // {"v1"}
//
// Thread-safe (one mutex); the workers of one test may share it.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/digest.h"
#include "base/json.h"
#include "http/http.h"
#include "http/query.h"
#include "support/scripted_transport.h"

namespace spaceport::support {

class MemoryRegistry {
 public:
  static constexpr const char* kManifestType = "application/vnd.oci.image.manifest.v1+json";
  static constexpr const char* kConfigType = "application/vnd.oci.image.config.v1+json";

  // Stores a single-platform image whose config is `config_json` (one empty layer) under
  // repository:tag; returns the manifest digest.
  std::string PushImage(const std::string& repository, const std::string& tag, const std::string& config_json) {
    const std::string layer = "layer of " + repository + ":" + tag;
    std::lock_guard<std::mutex> lock(mu_);
    const std::string config_digest = Put(config_json);
    const std::string layer_digest = Put(layer);
    const std::string manifest = std::string(R"({"schemaVersion":2,"mediaType":")") + kManifestType +
                                 R"(","config":{"mediaType":")" + kConfigType + R"(","digest":")" +
                                 config_digest + R"(","size":)" + std::to_string(config_json.size()) +
                                 R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
                                 layer_digest + R"(","size":)" + std::to_string(layer.size()) + "}]}";
    return PutManifest(repository, tag, manifest, kManifestType);
  }

  void DeleteTag(const std::string& repository, const std::string& tag) {
    std::lock_guard<std::mutex> lock(mu_);
    tags_[repository].erase(tag);
  }

  std::set<std::string> Tags(const std::string& repository) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::set<std::string> out;
    auto it = tags_.find(repository);
    if (it != tags_.end())
      for (const auto& [tag, digest] : it->second) out.insert(tag);
    return out;
  }

  // Manifests PUT by clients (not by PushImage), as "repository:reference".
  std::vector<std::string> Pushed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return pushed_;
  }

  http::Response Handle(const http::Server::IncomingRequest& in) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string& path = in.path;
    if (path == "/v2/" || path == "/v2") return Reply(200, "{}");
    if (path.rfind("/v2/", 0) != 0) return Reply(404);
    const std::string rest = path.substr(4);
    for (const char* marker : {"/tags/list", "/manifests/", "/blobs/uploads/", "/blobs/"}) {
      const size_t at = rest.find(marker);
      if (at == std::string::npos) continue;
      const std::string repository = rest.substr(0, at);
      const std::string tail = rest.substr(at + std::string(marker).size());
      const std::string m = marker;
      if (m == "/tags/list") return ListTags(repository);
      if (m == "/manifests/") return Manifest(in, repository, tail);
      if (m == "/blobs/uploads/") return Upload(in, repository, tail);
      return Blob(in, tail);
    }
    return Reply(404);
  }

  static std::string Sha256Digest(const std::string& bytes) { return "sha256:" + Sha256Hex(bytes); }

 private:
  struct StoredManifest {
    std::string bytes;
    std::string media_type;
  };

  static std::string Param(const std::string& query, const std::string& name) {
    const std::string key = name + "=";
    size_t at = 0;
    while (at < query.size()) {
      size_t end = query.find('&', at);
      if (end == std::string::npos) end = query.size();
      if (query.compare(at, key.size(), key) == 0) return http::UrlDecode(query.substr(at + key.size(), end - at - key.size()), true);
      at = end + 1;
    }
    return "";
  }

  std::string Put(const std::string& bytes) {
    const std::string digest = Sha256Digest(bytes);
    blobs_[digest] = bytes;
    return digest;
  }

  std::string PutManifest(const std::string& repository, const std::string& reference, const std::string& bytes,
                          const std::string& media_type) {
    const std::string digest = Sha256Digest(bytes);
    manifests_[digest] = {bytes, media_type};
    if (reference.rfind("sha256:", 0) != 0) tags_[repository][reference] = digest;
    return digest;
  }

  http::Response ListTags(const std::string& repository) {
    std::string body = R"({"name":")" + repository + R"(","tags":[)";
    bool first = true;
    for (const auto& [tag, digest] : tags_[repository]) {
      body += (first ? "\"" : ",\"") + tag + "\"";
      first = false;
    }
    return Reply(200, body + "]}", {{"Content-Type", "application/json"}});
  }

  http::Response Manifest(const http::Server::IncomingRequest& in, const std::string& repository,
                          const std::string& reference) {
    if (in.method == "PUT") {
      const std::string type = in.headers.Get("Content-Type").value_or(kManifestType);
      const std::string digest = PutManifest(repository, reference, in.body, type);
      pushed_.push_back(repository + ":" + reference);
      return Reply(201, "", {{"Docker-Content-Digest", digest}});
    }
    std::string digest = reference;
    if (reference.rfind("sha256:", 0) != 0) {
      auto tags = tags_.find(repository);
      if (tags == tags_.end() || !tags->second.count(reference)) return NotFound("MANIFEST_UNKNOWN");
      digest = tags->second.at(reference);
    }
    auto it = manifests_.find(digest);
    if (it == manifests_.end()) return NotFound("MANIFEST_UNKNOWN");
    http::Headers headers{{"Content-Type", it->second.media_type},
                          {"Docker-Content-Digest", digest},
                          {"Content-Length", std::to_string(it->second.bytes.size())}};
    return Reply(200, in.method == "HEAD" ? "" : it->second.bytes, std::move(headers));
  }

  http::Response Blob(const http::Server::IncomingRequest& in, const std::string& digest) {
    auto it = blobs_.find(digest);
    if (it == blobs_.end()) return NotFound("BLOB_UNKNOWN");
    http::Headers headers{{"Content-Type", "application/octet-stream"},
                          {"Docker-Content-Digest", digest},
                          {"Content-Length", std::to_string(it->second.size())}};
    return Reply(200, in.method == "HEAD" ? "" : it->second, std::move(headers));
  }

  // POST opens a session (a mount request too: declined), PUT ?digest= completes it.
  http::Response Upload(const http::Server::IncomingRequest& in, const std::string& repository,
                        const std::string& session) {
    if (in.method == "POST") {
      const std::string id = "u" + std::to_string(++uploads_);
      return Reply(202, "", {{"Location", "/v2/" + repository + "/blobs/uploads/" + id}});
    }
    if (in.method == "DELETE") return Reply(204);
    if (in.method != "PUT" || session.empty()) return Reply(405);
    const std::string digest = Param(in.query, "digest");
    if (digest != Sha256Digest(in.body)) return Reply(400, R"({"errors":[{"code":"DIGEST_INVALID"}]})");
    blobs_[digest] = in.body;
    return Reply(201, "", {{"Docker-Content-Digest", digest}});
  }

  static http::Response NotFound(const std::string& code) {
    return Reply(404, R"({"errors":[{"code":")" + code + R"(","message":"not found"}]})",
                 {{"Content-Type", "application/json"}});
  }

  mutable std::mutex mu_;
  std::map<std::string, std::string> blobs_;               // by digest
  std::map<std::string, StoredManifest> manifests_;         // by digest
  std::map<std::string, std::map<std::string, std::string>> tags_;  // repository → tag → digest
  std::vector<std::string> pushed_;
  int uploads_ = 0;
};

}  // namespace spaceport::support
