// SpaceFileCache: the Dockerfile and README.md of each Space at its last observed commit, kept in
// the state directory so that a no-op observation downloads nothing.
//
// A Space's files are addressed by its head commit (sha): the content of a commit never changes,
// so an entry whose sha equals the sha the Hub reports now is exactly what a download would return,
// and an entry for another sha is simply not used. The cache can therefore never be stale, only
// missing; losing it (or finding it corrupt) costs two downloads, nothing else.
//
// One file per Space, `<state_dir>/spaces/<owner>/<name>.json`:
//   {"sha":"<40 hex>","dockerfile":"FROM …"|null,"readme":"---…"|null}
// (null: the file does not exist at that commit). Entries are replaced atomically (a temporary
// file in the same directory, fsync, rename), so a reader sees the old entry or the new one,
// never half of one. Directories are created with mode 0700, entries with 0600.
//
//   SpaceFileCache cache(state_dir);                  // "" = no cache: Load finds nothing
//   if (auto hit = cache.Load("alice/demo"); hit && hit->sha == info.sha) use(*hit);
//   else { download…; (void)cache.Store("alice/demo", {sha, dockerfile, readme}); }
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::observe {

struct CachedSpaceFiles {
  std::string sha;                        // the commit the contents belong to
  std::optional<std::string> dockerfile;  // nullopt: no Dockerfile at that commit
  std::optional<std::string> readme;      // nullopt: no README.md at that commit

  friend bool operator==(const CachedSpaceFiles&, const CachedSpaceFiles&) = default;
};

class SpaceFileCache {
 public:
  explicit SpaceFileCache(std::string state_dir);

  bool enabled() const { return !state_dir_.empty(); }

  // Where the entry of `space_id` ("owner/name") lives; "" when the cache is disabled or the id
  // cannot name a file safely (no '/', empty parts, "." or "..").
  std::string PathFor(std::string_view space_id) const;

  // The entry, or nullopt when there is none, it cannot be read, or it is not a valid entry (a
  // corrupt entry is treated as absent and overwritten by the next Store).
  std::optional<CachedSpaceFiles> Load(std::string_view space_id) const;

  // Replaces the entry atomically. Failing to write is not fatal for an observation (the files
  // are downloaded again next time), so callers report it and go on.
  Status Store(std::string_view space_id, const CachedSpaceFiles& files) const;

 private:
  std::string state_dir_;
};

}  // namespace spaceport::observe
