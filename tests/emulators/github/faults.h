// FaultTable: failures tests switch on. A rule names a path pattern (ECMAScript regex searched in
// the request path), optionally a method, the status to answer and how many times; matching
// requests get a GitHub-shaped error instead of reaching the emulated API (they still use rate
// limit). 429 and 503 answers, and 403 with retry_after set, carry Retry-After.
//
// JSON form (POST /__emulator/faults):
//   {"path_regex": "/dispatches$", "method": "POST", "status": 503, "count": 2,
//    "retry_after": 5, "message": "Service unavailable"}
// Only path_regex is needed; status 503 and count 1 by default; count < 0 fires until cleared.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "http/http.h"

namespace spaceport::github_emulator {

struct FaultRule {
  std::string path_regex;
  std::string method;  // empty: any
  int status = 503;
  int count = 1;
  std::optional<int> retry_after;
  std::string message;  // default "Injected fault (<status>)"

  static Result<FaultRule> FromJson(const Json& json);
};

class FaultTable {
 public:
  Result<int> Add(FaultRule rule);
  void Clear() { rules_.clear(); }
  // The answer of the first live rule matching the request, consuming one of its count.
  std::optional<http::Response> Take(const std::string& method, const std::string& path);
  Json ToJson() const;  // [{id, path_regex, method, status, count, fired}]

 private:
  struct Entry {
    int id;
    FaultRule rule;
    std::regex pattern;
    int fired = 0;
  };
  std::vector<Entry> rules_;
  int next_id_ = 1;
};

}  // namespace spaceport::github_emulator
