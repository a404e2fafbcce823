#include "emulators/hub/repo.h"

#include <algorithm>
#include <cctype>

namespace spaceport::hub_emulator {

std::string_view Plural(RepoType type) {
  switch (type) {
    case RepoType::kModel:
      return "models";
    case RepoType::kDataset:
      return "datasets";
    case RepoType::kSpace:
      break;
  }
  return "spaces";
}

std::string_view Singular(RepoType type) {
  std::string_view p = Plural(type);
  return p.substr(0, p.size() - 1);
}

std::optional<RepoType> RepoTypeFromPlural(std::string_view plural) {
  for (RepoType t : {RepoType::kModel, RepoType::kDataset, RepoType::kSpace}) {
    if (Plural(t) == plural) return t;
  }
  return std::nullopt;
}

std::optional<RepoType> RepoTypeFromSingular(std::string_view singular) {
  for (RepoType t : {RepoType::kModel, RepoType::kDataset, RepoType::kSpace}) {
    if (Singular(t) == singular) return t;
  }
  return std::nullopt;
}

std::string RepoId::Key() const { return std::string(Plural(type)) + "/" + Full(); }

std::string RepoId::FilePrefix() const {
  return type == RepoType::kModel ? Full() : Key();
}

std::string RepoId::Subdomain() const {
  std::string s = ns + "-" + name;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c == '_' || c == '.' ? '-' : static_cast<char>(std::tolower(c));
  });
  return s;
}

const Commit* Repo::Resolve(std::string_view revision) const {
  if (revision == "main" || revision == "HEAD") return &head();
  const bool hex = revision.size() >= 7 && revision.size() <= 40 &&
                   std::all_of(revision.begin(), revision.end(),
                               [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
  if (!hex) return nullptr;
  for (auto it = commits.rbegin(); it != commits.rend(); ++it) {
    if (it->id.compare(0, revision.size(), revision) == 0) return &*it;
  }
  return nullptr;
}

}  // namespace spaceport::hub_emulator
