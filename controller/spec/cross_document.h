// Checks that need every document at once: names and Space ownership must be unique.
//
// Two documents with the same namespace/name: the later one gets the error (the first stays).
// One Space claimed by two deployments, in the same file or not: each claim gets an error naming
// the other deployments and where they claim it, so both owners see the conflict and neither is
// applied. Space ids compare case-insensitively, as the Hub does. Both checks use hash maps, so
// loading 10,000 deployments stays linear.
//
//   std::vector<DocumentOutcome> outcomes = ...;   // every document of every file, in order
//   CheckAcrossDocuments(outcomes);                 // adds errors to the outcomes' sinks
#pragma once

#include <vector>

#include "spec/validate.h"

namespace spaceport::spec {

void CheckAcrossDocuments(std::vector<DocumentOutcome>& outcomes);

}  // namespace spaceport::spec
