#include "http/request_parser.h"

#include <utility>

#include "base/ascii.h"
#include "http/query.h"

namespace spaceport::http {
namespace {

constexpr size_t kMaxChunkSizeLine = 1024;  // hex size plus extensions

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!IsTokenChar(c)) return false;
  return true;
}

// Visible ASCII and any byte >= 0x80 (UTF-8); no controls, no space.
bool IsTargetChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u != 0x7f;
}

// A field value may hold tabs and visible bytes, no other controls (CR/LF/NUL smuggle).
bool IsFieldValue(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool ParseDecimal(std::string_view s, size_t* out) {
  if (s.empty() || s.size() > 18) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  *out = v;
  return true;
}

// The line up to '\n' (a preceding '\r' dropped); npos when no full line is buffered.
size_t LineEnd(const std::string& buffer, std::string_view* line) {
  const size_t nl = buffer.find('\n');
  if (nl == std::string::npos) return std::string::npos;
  std::string_view l(buffer.data(), nl);
  if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
  *line = l;
  return nl + 1;
}

}  // namespace

ParseState RequestParser::Fail(int status, std::string reason) {
  phase_ = Phase::kError;
  error_ = ParseError{status, std::move(reason)};
  buffer_.clear();
  return ParseState::kError;
}

ParseState RequestParser::Feed(std::string_view bytes) {
  if (phase_ == Phase::kError) return ParseState::kError;
  buffer_.append(bytes);
  if (phase_ == Phase::kDone) return ParseState::kComplete;
  return Run();
}

ParsedRequest RequestParser::TakeRequest() {
  ParsedRequest out = std::move(request_);
  request_ = ParsedRequest{};
  if (phase_ == Phase::kDone) {
    phase_ = Phase::kRequestLine;
    header_bytes_ = 0;
    body_remaining_ = 0;
  }
  return out;
}

bool RequestParser::ParseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return false;
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) return false;
  const std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method) || target.empty()) return false;
  for (char c : target)
    if (!IsTargetChar(c)) return false;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9') {
    return false;
  }
  request_.method = std::string(method);
  request_.target = std::string(target);
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1')) {
    Fail(505, "HTTP version not supported");
    return true;
  }
  request_.version_minor = version[7] - '0';
  request_.keep_alive = request_.version_minor == 1;
  // absolute-form (a proxy-style request): keep the path and query only.
  std::string origin_form;
  if (target.front() != '/' && target != "*") {
    const size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return false;
    const size_t rest = target.find_first_of("/?", scheme_end + 3);
    if (rest == std::string_view::npos) {
      origin_form = "/";
    } else {
      if (target[rest] == '?') origin_form = "/";
      origin_form.append(target.substr(rest));
    }
    target = origin_form;
  }
  const size_t q = target.find('?');
  request_.path = UrlDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
  return true;
}

bool RequestParser::AddHeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return false;  // obsolete line folding
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return false;  // also refuses "Name :" (whitespace before the colon)
  const std::string_view value = AsciiTrim(line.substr(colon + 1));
  if (!IsFieldValue(value)) return false;
  request_.headers.Add(std::string(name), std::string(value));
  return true;
}

// Decides the body's framing and what the connection does afterwards.
bool RequestParser::FinishHeaders() {
  for (const std::string& value : request_.headers.GetAll("Connection")) {
    const std::string lower = AsciiLower(value);
    if (lower.find("close") != std::string::npos) request_.keep_alive = false;
  }
  if (auto expect = request_.headers.Get("Expect"); expect && EqualsIgnoreCase(*expect, "100-continue")) {
    request_.expects_continue = true;
  }
  const std::vector<std::string> encodings = request_.headers.GetAll("Transfer-Encoding");
  const std::vector<std::string> lengths = request_.headers.GetAll("Content-Length");
  if (!encodings.empty()) {
    if (!lengths.empty()) {
      Fail(400, "both Content-Length and Transfer-Encoding");
      return true;
    }
    if (encodings.size() != 1 || !EqualsIgnoreCase(AsciiTrim(encodings[0]), "chunked")) {
      Fail(501, "only chunked transfer coding is supported");
      return true;
    }
    phase_ = Phase::kChunkSize;
    return true;
  }
  size_t length = 0;
  for (size_t i = 0; i < lengths.size(); ++i) {
    size_t v = 0;
    if (!ParseDecimal(AsciiTrim(lengths[i]), &v) || (i > 0 && v != length)) {
      Fail(400, "invalid Content-Length");
      return true;
    }
    length = v;
  }
  if (length > limits_.max_body_bytes) {
    Fail(413, "request body too large");
    return true;
  }
  body_remaining_ = length;
  phase_ = length == 0 ? Phase::kDone : Phase::kBody;
  if (length > 0) request_.body.reserve(length);
  return true;
}

ParseState RequestParser::Run() {
  std::string_view line;
  while (true) {
    switch (phase_) {
      case Phase::kRequestLine: {
        const size_t end = LineEnd(buffer_, &line);
        if (end == std::string::npos) {
          if (buffer_.size() > limits_.max_request_line_bytes) return Fail(414, "request line too long");
          return ParseState::kNeedMore;
        }
        if (end - 1 > limits_.max_request_line_bytes) return Fail(414, "request line too long");
        if (line.empty()) {  // a stray CRLF between requests is allowed (RFC 9112 §2.2)
          buffer_.erase(0, end);
          continue;
        }
        if (!ParseRequestLine(line)) return Fail(400, "malformed request line");
        if (phase_ == Phase::kError) return ParseState::kError;
        buffer_.erase(0, end);
        phase_ = Phase::kHeaders;
        continue;
      }
      case Phase::kHeaders:
      case Phase::kTrailers: {
        const size_t end = LineEnd(buffer_, &line);
        if (end == std::string::npos) {
          if (header_bytes_ + buffer_.size() > limits_.max_header_bytes) return Fail(431, "request headers too large");
          return ParseState::kNeedMore;
        }
        header_bytes_ += end;
        if (header_bytes_ > limits_.max_header_bytes) return Fail(431, "request headers too large");
        if (line.empty()) {
          buffer_.erase(0, end);
          if (phase_ == Phase::kTrailers) {
            phase_ = Phase::kDone;
            continue;
          }
          if (!FinishHeaders()) return Fail(400, "malformed header");
          if (phase_ == Phase::kError) return ParseState::kError;
          continue;
        }
        if (phase_ == Phase::kHeaders && !AddHeaderLine(line)) return Fail(400, "malformed header field");
        buffer_.erase(0, end);  // trailers are read and dropped
        continue;
      }
      case Phase::kBody: {
        const size_t n = std::min(body_remaining_, buffer_.size());
        request_.body.append(buffer_, 0, n);
        buffer_.erase(0, n);
        body_remaining_ -= n;
        if (body_remaining_ > 0) return ParseState::kNeedMore;
        phase_ = Phase::kDone;
        continue;
      }
      case Phase::kChunkSize: {
        const size_t end = LineEnd(buffer_, &line);
        if (end == std::string::npos) {
          if (buffer_.size() > kMaxChunkSizeLine) return Fail(400, "malformed chunk");
          return ParseState::kNeedMore;
        }
        if (end > kMaxChunkSizeLine) return Fail(400, "malformed chunk");
        const std::string_view digits = AsciiTrim(line.substr(0, line.find(';')));
        if (digits.empty() || digits.size() > 15) return Fail(400, "malformed chunk size");
        size_t size = 0;
        for (char c : digits) {
          int d = -1;
          if (c >= '0' && c <= '9') d = c - '0';
          else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
          else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
          if (d < 0) return Fail(400, "malformed chunk size");
          size = size * 16 + static_cast<size_t>(d);
        }
        buffer_.erase(0, end);
        if (size == 0) {
          phase_ = Phase::kTrailers;
          continue;
        }
        if (request_.body.size() + size > limits_.max_body_bytes) return Fail(413, "request body too large");
        body_remaining_ = size;
        phase_ = Phase::kChunkData;
        continue;
      }
      case Phase::kChunkData: {
        const size_t n = std::min(body_remaining_, buffer_.size());
        request_.body.append(buffer_, 0, n);
        buffer_.erase(0, n);
        body_remaining_ -= n;
        if (body_remaining_ > 0) return ParseState::kNeedMore;
        phase_ = Phase::kChunkDataEnd;
        continue;
      }
      case Phase::kChunkDataEnd: {
        if (buffer_.empty()) return ParseState::kNeedMore;
        if (buffer_[0] == '\n') {
          buffer_.erase(0, 1);
        } else if (buffer_[0] == '\r') {
          if (buffer_.size() < 2) return ParseState::kNeedMore;
          if (buffer_[1] != '\n') return Fail(400, "malformed chunk");
          buffer_.erase(0, 2);
        } else {
          return Fail(400, "malformed chunk");
        }
        phase_ = Phase::kChunkSize;
        continue;
      }
      case Phase::kDone:
        return ParseState::kComplete;
      case Phase::kError:
        return ParseState::kError;
    }
  }
}

}  // namespace spaceport::http
