// The scripted transport standing in for api.github.com in unit tests (support::ScriptedTransport
// with https://api.github.test dropped from request lines), and GitHub-shaped run answers.
//
//   FakeGithub gh;
//   gh.Expect("POST /repos/alice/app/actions/workflows/docker.yml/dispatches", Reply(204));
//   ... client calls ...
//   EXPECT_THAT(gh.mismatches(), IsEmpty());
#pragma once

#include <string>
#include <vector>

#include "http/http.h"
#include "support/scripted_transport.h"

namespace spaceport::build_testing {

inline constexpr const char* kApi = "https://api.github.test";
// The request lines of the workflow the tests dispatch: alice/app's docker.yml.
inline constexpr const char* kDispatch = "POST /repos/alice/app/actions/workflows/docker.yml/dispatches";
inline constexpr const char* kList =
    "GET /repos/alice/app/actions/workflows/docker.yml/runs?event=workflow_dispatch&per_page=100";

using support::Reply;

class FakeGithub final : public support::ScriptedTransport {
 public:
  FakeGithub() : ScriptedTransport({kApi}) {}
};

// A workflow run as GitHub lists it.
inline std::string RunJson(int64_t id, const std::string& title, const std::string& status = "queued",
                           const std::string& conclusion = "",
                           const std::string& created_at = "2026-01-01T00:00:00Z") {
  std::string c = conclusion.empty() ? "null" : "\"" + conclusion + "\"";
  return "{\"id\":" + std::to_string(id) + ",\"name\":\"docker\",\"display_title\":\"" + title +
         "\",\"event\":\"workflow_dispatch\",\"status\":\"" + status + "\",\"conclusion\":" + c +
         ",\"html_url\":\"https://github.test/alice/app/actions/runs/" + std::to_string(id) +
         "\",\"created_at\":\"" + created_at + "\",\"head_branch\":\"main\"}";
}

inline std::string RunsPage(const std::vector<std::string>& runs, int total = -1) {
  std::string items;
  for (const std::string& r : runs) items += (items.empty() ? "" : ",") + r;
  return "{\"total_count\":" + std::to_string(total < 0 ? static_cast<int>(runs.size()) : total) +
         ",\"workflow_runs\":[" + items + "]}";
}

}  // namespace spaceport::build_testing
