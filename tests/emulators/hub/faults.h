// FaultTable: failures tests switch on. A rule names a path pattern (ECMAScript regex, searched
// in the request path), optionally a method, the status to answer and how many times; matching
// requests get that answer instead of reaching the Hub logic (they still use budget). 429 and
// 503 answers carry Retry-After (default 1 s) and 429 the RateLimit headers with r=0, so
// clients' retry paths see what the Hub sends.
//
//   FaultTable faults;
//   faults.Add({.path_regex = "/commit/", .status = 412, .count = 1});
//   faults.Take("POST", "/api/spaces/a/b/commit/main");   // → the 412, once
//
// JSON form (POST /__emulator/faults):
//   {"path_regex": "/runtime$", "method": "GET", "status": 503, "count": 2,
//    "retry_after": 5, "error_code": "", "message": "Service unavailable"}
// count < 0 fires until the table is cleared.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "http/http.h"

namespace spaceport::hub_emulator {

struct FaultRule {
  std::string path_regex;
  std::string method;  // empty: any
  int status = 503;
  int count = 1;       // answers left; < 0 = unlimited
  std::optional<int> retry_after;
  std::string error_code;  // X-Error-Code, if any
  std::string message;     // error text; default "Injected fault (<status>)"

  static Result<FaultRule> FromJson(const Json& json);
  Json ToJson() const;
};

class FaultTable {
 public:
  // Validates the regex and the status; returns the rule's id.
  Result<int> Add(FaultRule rule);
  void Clear() { rules_.clear(); }
  // The answer of the first live rule matching the request, consuming one of its count.
  std::optional<http::Response> Take(const std::string& method, const std::string& path);
  Json ToJson() const;

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

}  // namespace spaceport::hub_emulator
