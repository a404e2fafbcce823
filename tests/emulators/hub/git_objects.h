// Git object ids, computed the way git computes them, so the emulator's ids look and behave like
// the Hub's: a file's id is its blob SHA-1 (the `oid` in tree listings and the resolve ETag), a
// directory's id its tree SHA-1, and a commit id the SHA-1 of a commit object naming the root
// tree, the parent, the author and the message. Same content, parent, author and time → same
// id, so tests are deterministic; a new commit always names a new parent, so ids never repeat.
//
//   GitBlobId("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
//   FileMap files{{"Dockerfile", MakeBlob("FROM busybox\n")}};
//   GitTreeId(files, "");   // the root tree
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace spaceport::hub_emulator {

// A repository snapshot: path → content. Contents are shared between commits.
using Blob = std::shared_ptr<const std::string>;
using FileMap = std::map<std::string, Blob>;

inline Blob MakeBlob(std::string content) { return std::make_shared<const std::string>(std::move(content)); }

std::string Sha1Hex(std::string_view data);
std::string GitBlobId(std::string_view content);
// The tree of directory `dir` ("" for the root, else "a/b" without slashes at either end).
std::string GitTreeId(const FileMap& files, std::string_view dir);

struct CommitObject {
  std::string tree;
  std::string parent;  // empty for the first commit
  std::string author;  // user name; the e-mail is derived from it
  int64_t epoch_seconds = 0;
  std::string message;
};
std::string GitCommitId(const CommitObject& commit);

}  // namespace spaceport::hub_emulator
