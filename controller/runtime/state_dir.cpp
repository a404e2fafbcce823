#include "runtime/state_dir.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "base/atomic_file.h"

namespace spaceport::runtime {
namespace {

constexpr size_t kKeyBytes = 32;

std::string ErrnoText(int error) { return std::strerror(error); }

std::optional<std::string> NonEmpty(const EnvLookup& env, std::string_view name) {
  if (!env) return std::nullopt;
  std::optional<std::string> value = env(std::string(name));
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::string WithoutTrailingSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

Result<std::string> Absolute(std::string path, std::string_view what) {
  if (path.front() != '/') {
    return FailedPrecondition("state directory " + path + " (from " + std::string(what) +
                              ") is not an absolute path");
  }
  return WithoutTrailingSlashes(std::move(path));
}

// mkdir -p; each directory it creates gets mode 0700, existing ones are left as they are.
Status MakePrivateDirectories(const std::string& path) {
  if (Status s = CreateDirectories(path, 0700); !s.ok()) return s;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return FailedPrecondition("state directory " + path + " is not a directory");
  }
  return Status::Ok();
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0x0f];
  }
  return out;
}

Result<std::string> NewKey() {
  unsigned char bytes[kKeyBytes];
  if (RAND_bytes(bytes, static_cast<int>(kKeyBytes)) != 1) {
    return Internal("cannot generate a fingerprint key: the random generator failed");
  }
  std::string key = Hex(bytes, kKeyBytes);
  OPENSSL_cleanse(bytes, sizeof bytes);
  return key;
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailedPrecondition("cannot write " + path + ": " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Creates `path` with `content` and mode 0600 unless it exists. Returns false when it existed.
// The content is complete before the name appears: temp file, fsync, link (which refuses to
// replace an existing name, so of two racing processes exactly one wins).
Result<bool> CreateOnce(const std::string& path, const std::string& content) {
  std::string temp = path + ".XXXXXX";
  std::vector<char> name(temp.begin(), temp.end());
  name.push_back('\0');
  const int fd = ::mkstemp(name.data());  // mode 0600
  if (fd < 0) {
    return FailedPrecondition("cannot create a temporary file next to " + path + ": " +
                              ErrnoText(errno));
  }
  temp = name.data();
  Status written = WriteAll(fd, content, temp);
  if (written.ok() && ::fsync(fd) != 0) {
    written = FailedPrecondition("cannot sync " + temp + ": " + ErrnoText(errno));
  }
  ::close(fd);
  bool created = false;
  if (written.ok()) {
    if (::link(temp.c_str(), path.c_str()) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      written = FailedPrecondition("cannot create " + path + ": " + ErrnoText(errno));
    }
  }
  ::unlink(temp.c_str());
  if (!written.ok()) return written;
  return created;
}

Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return FailedPrecondition("cannot read the fingerprint key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string key = text.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' ||
                          key.back() == '\t'))
    key.pop_back();
  if (key.empty()) {
    return FailedPrecondition("the fingerprint key file " + path +
                              " is empty; restore it, or delete it to create a new key (every "
                              "managed secret is then rewritten once)");
  }
  return key;
}

}  // namespace

Result<std::string> StateDirPath(const EnvLookup& env, std::string_view configured) {
  if (!configured.empty())
    return Absolute(std::string(configured), "the controller config's stateDir");
  if (auto dir = NonEmpty(env, kStateDirEnv)) return Absolute(*dir, kStateDirEnv);
  if (auto xdg = NonEmpty(env, "XDG_STATE_HOME"); xdg && xdg->front() == '/')
    return WithoutTrailingSlashes(*xdg) + "/spaceport";
  if (auto home = NonEmpty(env, "HOME"); home && home->front() == '/')
    return WithoutTrailingSlashes(*home) + "/.local/state/spaceport";
  return FailedPrecondition("no state directory: set stateDir in the controller config, or " +
                            std::string(kStateDirEnv) + ", or HOME");
}

Result<std::string> PrepareStateDir(const EnvLookup& env, std::string_view configured) {
  Result<std::string> dir = StateDirPath(env, configured);
  if (!dir.ok()) return dir;
  if (Status s = MakePrivateDirectories(*dir); !s.ok()) return s;
  return dir;
}

Result<FingerprintKey> LoadFingerprintKey(const EnvLookup& env, const std::string& state_dir) {
  if (auto key = NonEmpty(env, kFingerprintKeyEnv))
    return FingerprintKey{*key, std::string(kFingerprintKeyEnv), false};
  if (state_dir.empty()) return FailedPrecondition("no state directory for the fingerprint key");
  const std::string path =
      WithoutTrailingSlashes(state_dir) + "/" + std::string(kFingerprintKeyFile);

  bool created = false;
  if (::access(path.c_str(), F_OK) != 0) {
    Result<std::string> fresh = NewKey();
    if (!fresh.ok()) return fresh.status();
    Result<bool> made = CreateOnce(path, *fresh + "\n");
    if (!made.ok()) return made.status();
    created = *made;
  }
  Result<std::string> key = ReadKeyFile(path);
  if (!key.ok()) return key.status();
  return FingerprintKey{*key, path, created};
}

}  // namespace spaceport::runtime
