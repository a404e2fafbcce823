// The tail of a server-sent-events log stream, however it is chunked.
#include "clients/hub/sse_log_tail.h"

#include <gtest/gtest.h>

namespace spaceport::hub {
namespace {

std::string Event(const std::string& data) {
  return "data: {\"data\":\"" + data + "\",\"timestamp\":\"2026-01-01T00:00:00Z\"}\n\n";
}

TEST(SseLogTail, KeepsTheLastLinesOfTheHubsEventFormat) {
  std::string stream;
  for (int i = 1; i <= 5; ++i) stream += Event("line " + std::to_string(i) + "\\n");
  SseLogTail tail(3);
  tail.Feed(stream);
  LogTail t = tail.Finish();
  EXPECT_EQ(t.lines, (std::vector<std::string>{"line 3", "line 4", "line 5"}));
  EXPECT_TRUE(t.truncated);
}

TEST(SseLogTail, ChunkBoundariesAnywhereGiveTheSameLines) {
  const std::string stream = Event("Step 1/2 : FROM x\\n") + ": comment\n" + "data:\n\n" +
                             "event: log\r\n" + Event("two\\nlines\\n") +
                             "data: plain text, not JSON\r\n\r\n" + Event("no newline at end");
  const std::vector<std::string> want = {"Step 1/2 : FROM x", "two", "lines",
                                         "plain text, not JSON", "no newline at end"};
  for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    SseLogTail tail(10);
    for (size_t at = 0; at < stream.size(); at += chunk) tail.Feed(stream.substr(at, chunk));
    LogTail t = tail.Finish();
    ASSERT_EQ(t.lines, want) << "chunk size " << chunk;
    EXPECT_FALSE(t.truncated);
  }
}

TEST(SseLogTail, AnUnterminatedLastLineIsFlushedByFinish) {
  SseLogTail tail(5);
  tail.Feed("data: {\"data\":\"first\\n\"}\n\ndata: {\"data\":\"cut");
  EXPECT_EQ(tail.lines_seen(), 1u);
  // The cut JSON is not an object, so its raw text is kept: a tail is for humans.
  EXPECT_EQ(tail.Finish().lines, (std::vector<std::string>{"first", "{\"data\":\"cut"}));
}

TEST(SseLogTail, AnEmptyStreamGivesNoLines) {
  SseLogTail tail(5);
  tail.Feed("");
  LogTail t = tail.Finish();
  EXPECT_TRUE(t.lines.empty());
  EXPECT_FALSE(t.truncated);
}

}  // namespace
}  // namespace spaceport::hub
