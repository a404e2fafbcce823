// Small pieces of HTTP both emulators answer with the same way: JSON bodies, the path split into
// segments for routing, and starting the http::Server an emulator's Listen() serves on.
//
//   return emulators::JsonResponse(200, info);            // Content-Type: application/json; charset=utf-8
//   emulators::PathSegments("/api/spaces/o/n")            // {"api", "spaces", "o", "n"}
//   auto server = emulators::StartOn(address, port, [this](const auto& r) { return Handle(r); });
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/status.h"
#include "http/http.h"

namespace spaceport::emulators {

inline constexpr std::string_view kJsonType = "application/json; charset=utf-8";

inline http::Response JsonResponse(int status, const Json& body) {
  http::Response r;
  r.status = status;
  r.headers.Add("Content-Type", std::string(kJsonType));
  r.body = body.Dump();
  return r;
}

// The non-empty segments of a path, as views into it.
inline std::vector<std::string_view> PathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    if (end > pos) out.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

// An http::Server on address:port (0: any free port) handing every request to `handle`;
// max_body_bytes 0 keeps the server's default cap.
inline Result<std::unique_ptr<http::Server>> StartOn(const std::string& address, int port,
                                                      http::Server::Handler handle,
                                                      size_t max_body_bytes = 0) {
  http::Server::Options options;
  options.address = address;
  options.port = port;
  if (max_body_bytes > 0) options.max_body_bytes = max_body_bytes;
  return http::StartServer(options, std::move(handle));
}

}  // namespace spaceport::emulators
