// The JSON GitHub's REST API answers with, shaped as in its OpenAPI description
// (@octokit/openapi, api.github.com.json): errors ("basic-error"), users ("simple-user"),
// repositories ("minimal-repository") and times. URLs are built on the emulator's own base
// URL: API URLs as BASE/repos/..., web URLs as BASE/OWNER/REPO/... (GitHub's live on github.com).
//
//   return GithubError(404, "Not Found", "rest/actions/workflows#create-a-workflow-dispatch-event");
//   Json repo = MinimalRepository(base, "acme/app", 1296269);
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/json.h"
#include "emulators/common/http_answers.h"
#include "http/http.h"

namespace spaceport::github_emulator {

// JSON answers are emulators/common/http_answers.h's.
using emulators::JsonResponse;
using emulators::kJsonType;

// {"message", "documentation_url", "status"}: the body GitHub sends with every error.
// `doc_path` is appended to https://docs.github.com/; empty = the REST overview.
http::Response GithubError(int status, std::string_view message, std::string_view doc_path = "");

int64_t EpochSeconds(Clock::TimePoint t);
// "2026-01-01T00:00:00Z": GitHub's timestamps have whole seconds.
std::string IsoTime(Clock::TimePoint t);
// Parses "YYYY-MM-DD" (midnight UTC) or "YYYY-MM-DDTHH:MM:SS[Z]"; false when malformed.
bool ParseIsoTime(std::string_view text, Clock::TimePoint& out, bool& date_only);

// A stable 40-hex id for a name (commit shas of branches, node ids).
std::string FakeSha(std::string_view seed);

Json SimpleUser(const std::string& base, const std::string& login, int64_t id);
Json MinimalRepository(const std::string& base, const std::string& full_name, int64_t id);

}  // namespace spaceport::github_emulator
