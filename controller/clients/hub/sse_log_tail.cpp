#include "clients/hub/sse_log_tail.h"

#include "base/json.h"

namespace spaceport::hub {

void SseLogTail::Feed(std::string_view chunk) {
  if (dropping_) {
    const size_t end = chunk.find_first_of("\r\n");
    if (end == std::string_view::npos) return;  // still inside the cut line
    dropping_ = false;
    chunk.remove_prefix(end);  // the break that ends it (an empty line next: skipped)
  }
  partial_.append(chunk);
  size_t start = 0;
  for (;;) {
    const size_t end = partial_.find_first_of("\r\n", start);
    if (end == std::string::npos) break;
    // A CR at the very end may be the first half of CRLF: wait for the next byte.
    if (partial_[end] == '\r' && end + 1 == partial_.size()) break;
    HandleLine(std::string_view(partial_).substr(start, end - start));
    start = end + 1;
    if (partial_[end] == '\r' && partial_[start] == '\n') ++start;
  }
  partial_.erase(0, start);
  if (partial_.size() > kMaxLineBytes) {
    // A line this long is not a log line a person reads: keep its start, drop the rest.
    partial_.resize(kMaxLineBytes);
    partial_ += kCutMark;
    HandleLine(partial_);
    partial_.clear();
    dropping_ = true;
  }
}

LogTail SseLogTail::Finish() {
  if (!partial_.empty()) {
    std::string last = std::move(partial_);
    partial_.clear();
    if (last.back() == '\r') last.pop_back();
    HandleLine(last);
  }
  LogTail out;
  out.lines.assign(lines_.begin(), lines_.end());
  out.truncated = seen_ > lines_.size();
  return out;
}

void SseLogTail::HandleLine(std::string_view line) {
  if (!line.starts_with("data:")) return;  // blank separators, comments, event:/id:/retry:
  std::string_view payload = line.substr(5);
  if (payload.starts_with(' ')) payload.remove_prefix(1);
  if (payload.empty()) return;  // keep-alive
  if (payload.front() == '{') {
    Result<Json> event = Json::Parse(payload);
    if (event.ok() && event->is_object()) {
      const Json* data = event->Find("data");
      if (data && data->is_string()) AddLogText(data->AsString());
      return;
    }
  }
  AddLogText(payload);
}

void SseLogTail::AddLogText(std::string_view text) {
  // One event usually carries one line ending in "\n"; some carry several.
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (line.ends_with('\r')) line.remove_suffix(1);
    Keep(std::string(line));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void SseLogTail::Keep(std::string line) {
  ++seen_;
  if (max_lines_ == 0) return;
  lines_.push_back(std::move(line));
  if (lines_.size() > max_lines_) lines_.pop_front();
}

}  // namespace spaceport::hub
