#include "emulators/hub/git_objects.h"

#include <openssl/evp.h>

#include <algorithm>
#include <vector>

namespace spaceport::hub_emulator {
namespace {

std::string Sha1Raw(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha1(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string Hex(std::string_view raw) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string RawFromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    out += static_cast<char>((nibble(hex[i]) << 4) | nibble(hex[i + 1]));
  }
  return out;
}

std::string ObjectId(std::string_view type, std::string_view body) {
  std::string object(type);
  object += ' ';
  object += std::to_string(body.size());
  object += '\0';
  object += body;
  return Hex(Sha1Raw(object));
}

struct TreeEntry {
  std::string name;
  bool directory = false;
  std::string id;
  // git orders entries as if directory names ended with '/'.
  std::string SortKey() const { return directory ? name + "/" : name; }
};

}  // namespace

std::string Sha1Hex(std::string_view data) { return Hex(Sha1Raw(data)); }

std::string GitBlobId(std::string_view content) { return ObjectId("blob", content); }

std::string GitTreeId(const FileMap& files, std::string_view dir) {
  const std::string prefix = dir.empty() ? "" : std::string(dir) + "/";
  std::vector<TreeEntry> entries;
  for (auto it = files.lower_bound(prefix); it != files.end(); ++it) {
    const std::string& path = it->first;
    if (path.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = path.substr(prefix.size());
    const size_t slash = rest.find('/');
    if (slash == std::string::npos) {
      entries.push_back({rest, false, GitBlobId(*it->second)});
      continue;
    }
    const std::string child = rest.substr(0, slash);
    if (!entries.empty() && entries.back().directory && entries.back().name == child) continue;
    entries.push_back({child, true, GitTreeId(files, prefix + child)});
  }
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.SortKey() < b.SortKey(); });
  std::string body;
  for (const TreeEntry& e : entries) {
    body += e.directory ? "40000 " : "100644 ";
    body += e.name;
    body += '\0';
    body += RawFromHex(e.id);
  }
  return ObjectId("tree", body);
}

std::string GitCommitId(const CommitObject& commit) {
  const std::string identity = commit.author + " <" + commit.author +
                               "@users.noreply.huggingface.co> " +
                               std::to_string(commit.epoch_seconds) + " +0000";
  std::string body = "tree " + commit.tree + "\n";
  if (!commit.parent.empty()) body += "parent " + commit.parent + "\n";
  body += "author " + identity + "\ncommitter " + identity + "\n\n" + commit.message;
  return ObjectId("commit", body);
}

}  // namespace spaceport::hub_emulator
