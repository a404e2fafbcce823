// FaultTable: the failures tests switch on in an emulator (the Hub's and GitHub's alike). A rule
// names a path pattern (ECMAScript regex searched in the request path), optionally a method, the
// status to answer and how many times; Take() finds the first live rule matching a request and
// consumes one of its count. The emulator turns the matched rule into an answer of its own API's
// shape (the Hub's X-Error-Code headers, GitHub's {"message": …}), so only that part differs.
//
//   FaultTable faults;
//   faults.Add({.path_regex = "/commit/", .status = 412, .count = 1});
//   faults.Take("POST", "/api/spaces/a/b/commit/main");   // → the rule, once
//
// JSON form (POST /__emulator/faults):
//   {"path_regex": "/runtime$", "method": "GET", "status": 503, "count": 2,
//    "retry_after": 5, "error_code": "", "message": "Service unavailable"}
// Only path_regex is needed; status 503 and count 1 by default; count < 0 fires until cleared.
// Not thread-safe: the emulator calls it under its state lock.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/json.h"
#include "base/status.h"

namespace spaceport::emulators {

struct FaultRule {
  std::string path_regex;
  std::string method;  // empty: any
  int status = 503;
  int count = 1;       // answers left; < 0 = unlimited
  std::optional<int> retry_after;
  std::string error_code;  // the Hub's X-Error-Code, if any
  std::string message;     // error text; see Message()

  static Result<FaultRule> FromJson(const Json& json);
  Json ToJson() const;
  // The message to answer with: the rule's, or "Injected fault (<status>)".
  std::string Message() const;
  // Whether the answer carries Retry-After (429, 503, or retry_after set), and its seconds.
  std::optional<int> RetryAfterSeconds() const;
};

class FaultTable {
 public:
  // Validates the regex, the status (400..599) and the count; returns the rule's id.
  Result<int> Add(FaultRule rule);
  void Clear() { rules_.clear(); }
  // The first live rule matching the request, consuming one of its count.
  std::optional<FaultRule> Take(const std::string& method, const std::string& path);
  Json ToJson() const;  // [{id, path_regex, method, status, count, …, fired}]

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

}  // namespace spaceport::emulators
