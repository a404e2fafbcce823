// StatusStore: the status of every SpaceDeployment, one JSON file each, in the state directory
// (file mode; in a cluster the status subresource takes this role).
//
// Layout: <state_dir>/status/<namespace>/<name>.json (names are DNS labels, so they are safe file
// names). Every write is atomic (base/atomic_file.h: temporary file, fsync, rename, fsync of the
// directory): a reader, or the next process after a crash, sees the previous document or the new
// one, never a torn one. A file that does not parse, or is not a status of this format version
// (written by a newer Spaceport), is reported by ReadAll and renamed to NAME.json.unreadable, so
// the status written next replaces nothing: nothing is lost and an older version never
// overwrites a newer one's file.
//
//   StatusStore store(state_dir);
//   if (Status s = store.Write(status); !s.ok()) log(s);
//   auto all = store.ReadAll();   // for /api/v1/drift after a restart
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "runtime/deployment_status.h"
#include "spec/types.h"

namespace spaceport::runtime {

struct StoredStatuses {
  std::vector<DeploymentStatus> statuses;  // sorted by key
  std::vector<std::string> problems;       // "PATH: why" for files that could not be read
};

// Where the controller keeps statuses: files here, or the status subresource in Kubernetes mode
// (runtime/kube_status_store.h). One status model, two stores.
class StatusBackend {
 public:
  virtual ~StatusBackend() = default;
  // `deployment` is the spec the status was made for (Kubernetes mode reads its generation).
  virtual Status Write(const DeploymentStatus& status, const spec::SpaceDeployment& deployment) = 0;
  // Every status there is (at start, so a restart continues where it stopped).
  virtual StoredStatuses ReadAll() const = 0;
  // The deployment left the desired state.
  virtual Status Remove(const std::string& key) = 0;
};

class StatusStore final : public StatusBackend {
 public:
  explicit StatusStore(std::string state_dir);

  Status Write(const DeploymentStatus& status);
  Status Write(const DeploymentStatus& status, const spec::SpaceDeployment&) override { return Write(status); }
  // nullopt when there is no status for `key` yet.
  Result<std::optional<DeploymentStatus>> Read(const std::string& key) const;
  StoredStatuses ReadAll() const override;
  // Deletes the status of a deployment that left the sources (missing is fine).
  Status Remove(const std::string& key) override;

  std::string PathOf(const std::string& key) const;

 private:
  std::string dir_;  // <state_dir>/status
};

}  // namespace spaceport::runtime
