#include "spec/cross_document.h"

#include <string>
#include <unordered_map>

#include "spec/grammar.h"
#include "spec/quote.h"

namespace spaceport::spec {
namespace {

std::string Where(const Position& p) {
  return p.file + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

void CheckUniqueNames(std::vector<DocumentOutcome>& outcomes) {
  std::unordered_map<std::string, const DocumentOutcome*> first_by_key;
  for (DocumentOutcome& outcome : outcomes) {
    if (outcome.kind != DocumentKind::kSpaceDeployment || !outcome.has_name) continue;
    const std::string key = outcome.deployment.Key();
    auto [it, inserted] = first_by_key.emplace(key, &outcome);
    if (inserted) continue;
    const DocumentOutcome& first = *it->second;
    outcome.sink.Error(outcome.name_mark, "metadata.name",
                       "SpaceDeployment " + Quote(key) + " is already defined at " +
                           Where(first.sink.At(first.name_mark)));
  }
}

struct Claim {
  DocumentOutcome* outcome;
  const SpaceIdUse* use;
};

void CheckSpaceOwnership(std::vector<DocumentOutcome>& outcomes) {
  std::unordered_map<std::string, std::vector<Claim>> claims;  // lower-cased id → claims
  for (DocumentOutcome& outcome : outcomes) {
    if (outcome.kind != DocumentKind::kSpaceDeployment) continue;
    // Ids are unique within a document already (the spaces validator reports repeats).
    for (const SpaceIdUse& use : outcome.space_ids) {
      claims[CanonicalSpaceId(use.id)].push_back({&outcome, &use});
    }
  }
  for (auto& [id, list] : claims) {
    if (list.size() < 2) continue;
    for (const Claim& claim : list) {
      // Name a few of the other owners; with hundreds, the message would drown the point.
      constexpr size_t kNamed = 3;
      std::string others;
      size_t named = 0;
      for (const Claim& other : list) {
        if (other.outcome == claim.outcome) continue;
        if (named++ == kNamed) break;
        if (!others.empty()) others += ", ";
        others += other.outcome->has_name
                      ? "SpaceDeployment " + Quote(other.outcome->deployment.Key())
                      : std::string("a SpaceDeployment");
        others += " at " + Where(other.outcome->sink.At(other.use->mark));
      }
      if (list.size() - 1 > kNamed) {
        others += " and " + std::to_string(list.size() - 1 - kNamed) + " more";
      }
      claim.outcome->sink.Error(claim.use->mark, claim.use->field,
                                "Space " + Quote(claim.use->id) + " is also claimed by " + others +
                                    "; a Space can belong to only one SpaceDeployment");
    }
  }
}

}  // namespace

void CheckAcrossDocuments(std::vector<DocumentOutcome>& outcomes) {
  CheckUniqueNames(outcomes);
  CheckSpaceOwnership(outcomes);
}

}  // namespace spaceport::spec
