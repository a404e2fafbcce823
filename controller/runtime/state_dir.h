// The state directory and the secret-fingerprint key: what the controller must remember between
// runs that the world itself cannot hold (design.md §4).
//
// The state directory holds the fingerprint key (below) and the Space file cache
// (observe/space_file_cache.h). It is, by precedence:
//   1. the controller config's `stateDir` (passed in as `configured`);
//   2. $SPACEPORT_STATE_DIR;
//   3. $XDG_STATE_HOME/spaceport (a relative XDG_STATE_HOME is ignored, as the XDG spec says);
//   4. $HOME/.local/state/spaceport.
// It must be an absolute path. PrepareStateDir creates it and any missing parent with mode 0700;
// an existing directory is used as it is.
//
// The fingerprint key is the HMAC key of secret fingerprints (plan/fingerprint.h): the same key
// must be used by every run, or every secret looks changed and is rewritten (restarting its
// Space) once. It is $SPACEPORT_FINGERPRINT_KEY when set and non-empty; else the content of
// `<state_dir>/fingerprint.key` (trailing whitespace ignored), which is created on first use with
// 32 random bytes (OpenSSL RAND_bytes) as 64 hex digits, mode 0600, and only read afterwards. Two
// processes starting at once agree on one key: the file appears complete or not at all (written
// to a temporary file, then hard-linked into place, which fails if another process won).
//
//   auto dir = runtime::PrepareStateDir(env, config.state_dir);
//   if (!dir.ok()) return dir.status();
//   auto key = runtime::LoadFingerprintKey(env, *dir);
//   if (key.ok() && key->created) log("new fingerprint key at " + key->source);
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "runtime/controller_config.h"

namespace spaceport::runtime {

inline constexpr std::string_view kStateDirEnv = "SPACEPORT_STATE_DIR";
inline constexpr std::string_view kFingerprintKeyEnv = "SPACEPORT_FINGERPRINT_KEY";
inline constexpr std::string_view kFingerprintKeyFile = "fingerprint.key";

// The state directory by the precedence above, without touching the file system.
// kFailedPrecondition when no source gives one (no HOME) or the one chosen is relative.
Result<std::string> StateDirPath(const EnvLookup& env, std::string_view configured = "");

// StateDirPath, created when missing (mode 0700 for every directory it creates).
Result<std::string> PrepareStateDir(const EnvLookup& env, std::string_view configured = "");

struct FingerprintKey {
  std::string value;    // the HMAC key; never printed
  std::string source;   // "SPACEPORT_FINGERPRINT_KEY" or the key file's path, for messages
  bool created = false; // the key file was created by this call
};

// The key by the rule above. An existing key file that is empty or unreadable is an error, never
// replaced: a new key would silently rewrite every secret.
Result<FingerprintKey> LoadFingerprintKey(const EnvLookup& env, const std::string& state_dir);

}  // namespace spaceport::runtime
