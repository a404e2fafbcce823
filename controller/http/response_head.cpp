#include "http/response_head.h"

#include "base/ascii.h"
#include "http/status_codes.h"

namespace spaceport::http {

std::string SafeHeaderValue(std::string_view v) {
  std::string out(v);
  for (char& c : out)
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  return out;
}

std::string SerializeHead(const Response& response, long long body_length, bool close, bool chunked) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " + std::string(StatusText(response.status)) + "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : response.headers.items()) {
    if (EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
        EqualsIgnoreCase(name, "Connection")) {
      continue;  // derived from the body and the connection's fate
    }
    if (EqualsIgnoreCase(name, "Content-Type")) has_type = true;
    out += SafeHeaderValue(name) + ": " + SafeHeaderValue(value) + "\r\n";
  }
  const bool bodiless = response.status < 200 || response.status == 204 || response.status == 304;
  if (!has_type && !bodiless && (body_length > 0 || chunked)) out += "Content-Type: application/octet-stream\r\n";
  if (chunked) out += "Transfer-Encoding: chunked\r\n";
  else if (!bodiless && body_length >= 0) out += "Content-Length: " + std::to_string(body_length) + "\r\n";
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

bool WantsClose(const Response& r) {
  for (const std::string& v : r.headers.GetAll("Connection"))
    if (AsciiLower(v).find("close") != std::string::npos) return true;
  return false;
}

}  // namespace spaceport::http
