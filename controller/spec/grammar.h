// The string grammars a SpaceDeployment uses, as checks that explain themselves.
//
// Each Check* function returns nullopt when the value is well formed, else a message that names
// the value and says what a good one looks like, ready to become a Diagnostic:
//
//   CheckSpaceId("grok2api")            →  "\"grok2api\" is not OWNER/NAME"
//   CheckImageRepository("ghcr.io/o/a:v1") → "... includes a tag; ... spec.image.version"
//   ParseDuration("1h30m")              →  5400
//
// The rules follow the systems that will receive the values: the OCI distribution reference
// grammar for images and tags, RFC 1123 for Kubernetes names, POSIX-style names for environment
// variables, the Hub's repo-id rules for Spaces, and Go's time.ParseDuration (integer h/m/s).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spaceport::spec {

using GrammarError = std::optional<std::string>;

GrammarError CheckRfc1123Label(std::string_view name);           // metadata.name, namespace
GrammarError CheckDnsSubdomain(std::string_view name);           // Kubernetes Secret names
// The same rule (a DNS subdomain) for other objects; `what` names them: "ServiceAccount name".
GrammarError CheckDnsSubdomainName(std::string_view name, std::string_view what);
GrammarError CheckSecretKey(std::string_view key);               // a key inside a Secret
GrammarError CheckImageRepository(std::string_view repository);  // host[:port]/path
GrammarError CheckTag(std::string_view tag);
// A container image as a Pod names it: [HOST[:PORT]/]PATH[:TAG][@ALGORITHM:HEX], lower case
// but for the tag; the host may be left out (Docker Hub), e.g. gcr.io/kaniko-project/executor:v1.
GrammarError CheckContainerImage(std::string_view image);
// A Kubernetes resource quantity, not negative: 500m, 2, 1.5, 512Mi, 2G, 1e3.
GrammarError CheckQuantity(std::string_view quantity);
GrammarError CheckEnvName(std::string_view name);
GrammarError CheckSpaceId(std::string_view id);
// The Hub resolves repo ids case-insensitively: "Owner/App" and "owner/app" are one Space.
std::string CanonicalSpaceId(std::string_view id);                // OWNER/NAME on the Hub
GrammarError CheckGithubRepository(std::string_view repository);  // OWNER/REPO on GitHub
GrammarError CheckWorkflow(std::string_view workflow);            // docker.yml or a numeric id
GrammarError CheckGitRef(std::string_view ref);

// Every malformed `{{ ... }}` in a build input or argument; empty when all are known ones.
std::vector<std::string> CheckPlaceholders(std::string_view text);

// Go-style durations made of integer hours, minutes and seconds ("30s", "5m", "1h30m").
// nullopt when malformed (the caller says what was expected).
std::optional<int64_t> ParseDuration(std::string_view text);

// Number of Unicode code points in UTF-8 text (for limits the Hub counts in characters).
size_t CountCharacters(std::string_view utf8);

}  // namespace spaceport::spec
