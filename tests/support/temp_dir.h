// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
//
//   support::TempDir dir("registry");
//   std::ofstream(dir.path() / "config.yml") << yaml;
#pragma once

#include <filesystem>
#include <string>

namespace spaceport::support {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "spaceport-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Writes `content` to `path` (creating parent directories); false on failure.
bool WriteFile(const std::filesystem::path& path, const std::string& content);
// The file's bytes, or "" when it cannot be read.
std::string ReadFile(const std::filesystem::path& path);

}  // namespace spaceport::support
