#include "runtime/kube_source.h"

#include <algorithm>

#include "base/digest.h"
#include "spec/loader.h"

namespace spaceport::runtime {
namespace {

constexpr char kDocumentName[] = "kubernetes";

std::string KeyOf(const Json& object) { return kube::NamespaceOf(object) + "/" + kube::NameOf(object); }

// The object as the loader should see it: what the apiserver adds beyond the resource (status,
// managedFields) is left out, so diagnostics speak only of what the user wrote.
Json DesiredPart(const Json& object) {
  Json doc = object;
  doc.Erase("status");
  if (Json* meta = doc.Find("metadata")) meta->Erase("managedFields");
  return doc;
}

// What the cache keeps of an object: managedFields and kubectl's last-applied copy of the whole
// object are never read here and are most of its size (a third of the memory of 1,000 objects).
Json Slim(Json object) {
  if (Json* meta = object.Find("metadata")) {
    meta->Erase("managedFields");
    if (Json* annotations = meta->Find("annotations")) {
      annotations->Erase("kubectl.kubernetes.io/last-applied-configuration");
      if (annotations->size() == 0) meta->Erase("annotations");
    }
  }
  return object;
}

}  // namespace

std::string SpecSideOf(const Json& object) {
  const Json* meta = object.Find("metadata");
  if (meta == nullptr) return "";
  std::string side = std::to_string(kube::GenerationOf(object));
  for (const char* field : {"labels", "annotations", "deletionTimestamp"})
    if (const Json* v = meta->Find(field)) side += std::string("|") + field + "=" + v->Dump();
  return side;
}

spec::LoadResult LoadObjects(const std::vector<Json>& objects) {
  // One multi-document text, so cross-document rules (a Space claimed twice) apply across objects;
  // then every position is mapped back to its object.
  std::string text;
  std::vector<std::pair<int, std::string>> starts;  // first line of each document → its name
  int line = 1;
  for (const Json& object : objects) {
    const std::string doc = DesiredPart(object).Dump(2);
    text += "---\n";
    ++line;
    starts.emplace_back(line, "spacedeployments/" + KeyOf(object));
    text += doc + "\n";
    line += static_cast<int>(std::count(doc.begin(), doc.end(), '\n')) + 1;
  }
  spec::LoadResult loaded = spec::LoadText(text, kDocumentName);
  auto relabel = [&](spec::Position& p) {
    if (p.file != kDocumentName) return;
    std::string name = "spacedeployments";
    for (const auto& [first, object] : starts)
      if (p.line >= first) name = object;
    p = spec::Position{name, 0, 0};
  };
  for (spec::SpaceDeployment& d : loaded.deployments) {
    relabel(d.position);
    for (spec::SpaceSpec& s : d.spaces) relabel(s.position);
  }
  for (spec::InvalidDocument& doc : loaded.invalid) relabel(doc.position);
  for (spec::Diagnostic& d : loaded.diagnostics) relabel(d.position);
  spec::SortDiagnostics(loaded.diagnostics);
  // The Kubernetes identity of each deployment, for observedGeneration and Events.
  std::map<std::string, const Json*> by_key;
  for (const Json& object : objects) by_key[KeyOf(object)] = &object;
  for (spec::SpaceDeployment& d : loaded.deployments)
    if (auto it = by_key.find(d.Key()); it != by_key.end()) {
      d.generation = kube::GenerationOf(*it->second);
      d.uid = kube::UidOf(*it->second);
    }
  return loaded;
}

KubeSource::KubeSource(kube::KubeClient& client, KubeSourceOptions options)
    : client_(client), options_(std::move(options)) {}

KubeSource::~KubeSource() { Stop(); }

void KubeSource::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

std::string KubeSource::Describe() const {
  std::string where = "all namespaces";
  if (!options_.namespaces.empty()) {
    where = "namespace";
    where += options_.namespaces.size() > 1 ? "s " : " ";
    for (size_t i = 0; i < options_.namespaces.size(); ++i) where += (i ? "," : "") + options_.namespaces[i];
  }
  return "kube:spacedeployments.spaceport.dev in " + where +
         (options_.label_selector.empty() ? "" : " with labels " + options_.label_selector);
}

std::optional<Json> KubeSource::Object(const std::string& key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<Json> KubeSource::Objects() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Json> out;
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

KubeSourceStats KubeSource::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

Result<Snapshot> KubeSource::Load() {
  std::vector<Json> objects;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, object] : objects_)
      if (object.Find("metadata") && !object.Find("metadata")->Find("deletionTimestamp"))
        objects.push_back(object);
  }
  std::string generations;
  for (const Json& o : objects) generations += KeyOf(o) + "=" + std::to_string(kube::GenerationOf(o)) + "\n";
  Snapshot snap;
  snap.loaded = LoadObjects(objects);
  snap.revision = "generations:" + Sha256Hex(generations).substr(0, 12);
  return snap;
}

bool KubeSource::Put(const Json& full) {
  const Json object = Slim(full);
  const std::string key = KeyOf(object);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = objects_.find(key);
  const bool changed = it == objects_.end() || SpecSideOf(it->second) != SpecSideOf(object);
  objects_[key] = object;
  return changed;
}

bool KubeSource::Erase(const Json& object) {
  std::lock_guard<std::mutex> lock(mu_);
  return objects_.erase(KeyOf(object)) > 0;
}

Status KubeSource::ListNamespace(const std::string& ns, std::string* resource_version) {
  kube::ListOptions list;
  list.label_selector = options_.label_selector;
  Result<kube::ListResult> listed = client_.List(kube::kSpaceDeployments, ns, list);
  if (!listed.ok()) return listed.status();
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.lists;
  // A relist replaces what this namespace (or every namespace) held.
  for (auto it = objects_.begin(); it != objects_.end();) {
    if (ns.empty() || it->first.rfind(ns + "/", 0) == 0)
      it = objects_.erase(it);
    else
      ++it;
  }
  for (const Json& item : listed->items) objects_[KeyOf(item)] = Slim(item);
  *resource_version = listed->resource_version;
  return Status::Ok();
}

Status KubeSource::Start(std::function<void()> changed) {
  changed_ = std::move(changed);
  std::vector<std::string> namespaces = options_.namespaces;
  if (namespaces.empty()) namespaces.push_back("");  // all namespaces, one list+watch
  std::vector<std::string> versions;
  for (const std::string& ns : namespaces) {
    std::string rv;
    if (Status s = ListNamespace(ns, &rv); !s.ok()) return s;
    versions.push_back(rv);
  }
  for (size_t i = 0; i < namespaces.size(); ++i)
    threads_.emplace_back([this, ns = namespaces[i], rv = versions[i]] { WatchLoop(ns, rv); });
  return Status::Ok();
}

void KubeSource::WatchLoop(const std::string& ns, std::string resource_version) {
  std::chrono::milliseconds backoff(1000);
  const std::string where = ns.empty() ? "all namespaces" : ns;
  while (!*stop_) {
    kube::WatchOptions watch;
    watch.resource_version = resource_version;
    watch.label_selector = options_.label_selector;
    watch.timeout = options_.watch_timeout;
    watch.cancel = stop_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++stats_.watches;
    }
    Status failure;
    const auto watch_started = std::chrono::steady_clock::now();
    int64_t events_before = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      events_before = stats_.events;
    }
    const kube::WatchEnd end = client_.Watch(
        kube::kSpaceDeployments, ns, watch,
        [&](const kube::WatchEvent& e) {
          const std::string rv = kube::ResourceVersionOf(e.object);
          if (!rv.empty()) resource_version = rv;
          bool reload = false;
          if (e.type == "ADDED" || e.type == "MODIFIED") reload = Put(e.object);
          if (e.type == "DELETED") reload = Erase(e.object);
          {
            std::lock_guard<std::mutex> lock(mu_);
            if (e.type != "BOOKMARK") ++stats_.events;
          }
          if (reload && changed_) changed_();
          return !*stop_;
        },
        &failure);
    if (*stop_ || end == kube::WatchEnd::kStopped) return;
    if (end == kube::WatchEnd::kClosed) {
      backoff = std::chrono::milliseconds(1000);
      // A server that ends watches at once without a word must not make this a busy loop.
      bool quiet = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        quiet = stats_.events == events_before;
      }
      if (quiet && std::chrono::steady_clock::now() - watch_started < std::chrono::seconds(1))
        for (int i = 0; i < 10 && !*stop_; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;  // resume from the last resourceVersion
    }
    if (end == kube::WatchEnd::kExpired) {
      Log("kube: watch of " + where + " expired (410 Gone); listing again");
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++stats_.relists_after_gone;
      }
      Status listed = ListNamespace(ns, &resource_version);
      if (listed.ok()) {
        if (changed_) changed_();
        continue;
      }
      failure = listed;
    }
    Log("kube: " + failure.message() + "; retrying in " + std::to_string(backoff.count()) + " ms");
    for (auto waited = std::chrono::milliseconds(0); waited < backoff && !*stop_;
         waited += std::chrono::milliseconds(100))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
    // The resourceVersion may be too old by now; a relist is the safe way back.
    if (Status s = ListNamespace(ns, &resource_version); s.ok() && changed_) changed_();
  }
}

void KubeSource::Stop() {
  *stop_ = true;
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

}  // namespace spaceport::runtime
