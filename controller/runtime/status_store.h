// StatusStore: the status of every SpaceDeployment, one JSON file each, in the state directory
// (file mode; in a cluster the status subresource takes this role).
//
// Layout: <state_dir>/status/<namespace>/<name>.json (names are DNS labels, so they are safe file
// names). Every write is atomic (base/atomic_file.h: temporary file, fsync, rename, fsync of the
// directory): a reader, or the next process after a crash, sees the previous document or the new
// one, never a torn one. A file that does not parse is reported by ReadAll, not deleted.
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

namespace spaceport::runtime {

struct StoredStatuses {
  std::vector<DeploymentStatus> statuses;  // sorted by key
  std::vector<std::string> problems;       // "PATH: why" for files that could not be read
};

class StatusStore {
 public:
  explicit StatusStore(std::string state_dir);

  Status Write(const DeploymentStatus& status);
  // nullopt when there is no status for `key` yet.
  Result<std::optional<DeploymentStatus>> Read(const std::string& key) const;
  StoredStatuses ReadAll() const;
  // Deletes the status of a deployment that left the sources (missing is fine).
  Status Remove(const std::string& key);

  std::string PathOf(const std::string& key) const;

 private:
  std::string dir_;  // <state_dir>/status
};

}  // namespace spaceport::runtime
