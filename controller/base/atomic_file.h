// WriteFileAtomically: replace a file so that readers (and the next process after a crash) see
// either the old content or the new, never a torn mix.
//
// Writes a temporary file in the same directory, fsyncs it, renames it over `path`, then fsyncs
// the directory so the rename itself survives a power loss. Parent directories are not created.
// The temporary file is removed on failure.
//
//   if (Status s = WriteFileAtomically(path, json.Dump(2) + "\n", 0600); !s.ok()) return s;
#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>

#include "base/status.h"

namespace spaceport {

Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode = 0644);

// Removes the temporary files that writes interrupted by a crash left below `dir` (recursively):
// names ending in ".tmp." and six characters, as WriteFileAtomically makes them. Only for a
// process that knows no write of its own or of another process is in flight there (the
// controller at start: one controller per state directory). Returns how many were removed.
int RemoveInterruptedWrites(const std::string& dir);

// mkdir -p: creates each missing directory of `path` with `mode`; existing ones are left as they
// are. For the state directory's private subdirectories, before WriteFileAtomically.
Status CreateDirectories(const std::string& path, mode_t mode = 0700);

}  // namespace spaceport
