// ProgressLog: one line per event for people on a terminal ("[  1.2s] message"), and one JSON
// record per line for log collectors when stderr is not a terminal
// ({"ts":"…","level":"info","msg":"…","elapsed":1.2}). Used by `apply` and `run`.
//
//   ProgressLog log;
//   log("default/tools: CommitSpaceFiles acme/tools done in 0.3s");
//
// Thread-safe: a line is written with one stream insertion.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

#include "base/clock.h"
#include "base/json.h"

namespace spaceport::cli {

// Progress for people on a terminal, JSON lines for everything else.
class ProgressLog {
 public:
  ProgressLog() : tty_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

  void operator()(const std::string& message) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (tty_) {
      char prefix[32];
      std::snprintf(prefix, sizeof prefix, "[%6.1fs] ", elapsed);
      std::cerr << std::string(prefix) + message + '\n' << std::flush;
      return;
    }
    const std::string ts = FormatRfc3339(std::chrono::system_clock::now());
    std::string line = "{\"ts\":\"" + ts + "\",\"level\":\"info\",\"msg\":";
    AppendJsonString(line, message);
    line += ",\"elapsed\":" + std::to_string(elapsed) + "}";
    std::cerr << line + '\n' << std::flush;
  }

 private:
  bool tty_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace spaceport::cli
