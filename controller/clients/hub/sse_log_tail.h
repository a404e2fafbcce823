// SseLogTail: the last N log lines of a Hub log stream (server-sent events).
//
// The Hub's build and run logs (GET /api/spaces/{id}/logs/build|run) are text/event-stream:
//
//   data: {"data":"Step 1/3 : FROM ghcr.io/…\n","timestamp":"2026-01-01T00:00:00Z"}
//   <blank line>
//
// Feed() takes the stream in chunks of any size (a line may be split across chunks); each
// `data:` field whose payload is a JSON object contributes its "data" string, split at newlines,
// and any other payload contributes its raw text; empty keep-alive events, comments (":…") and
// other fields (event:, id:, retry:) are skipped. Only the last `max_lines` lines are kept, and a
// stream line longer than kMaxLineBytes is cut there (the rest, up to the next line break, is
// dropped and the kept part ends in kCutMark), so memory stays bounded however long the stream
// runs, even one that never sends a line break. Finish() flushes a final unterminated line.
//
//   hub::SseLogTail tail(50);
//   tail.Feed(chunk1); tail.Feed(chunk2);
//   hub::LogTail t = tail.Finish();   // t.lines: oldest first
#pragma once

#include <deque>
#include <string>
#include <string_view>

#include "clients/hub/hub_types.h"

namespace spaceport::hub {

class SseLogTail {
 public:
  static constexpr size_t kMaxLineBytes = 32 * 1024;
  static constexpr std::string_view kCutMark = " [line cut]";

  explicit SseLogTail(size_t max_lines) : max_lines_(max_lines) {}

  void Feed(std::string_view chunk);
  LogTail Finish();

  // Log lines seen so far (kept or not).
  size_t lines_seen() const { return seen_; }

 private:
  void HandleLine(std::string_view line);
  void AddLogText(std::string_view text);
  void Keep(std::string line);

  size_t max_lines_;
  std::string partial_;  // bytes after the last newline
  bool dropping_ = false;  // inside a line already cut at kMaxLineBytes: bytes up to its end go
  std::deque<std::string> lines_;
  size_t seen_ = 0;
};

}  // namespace spaceport::hub
