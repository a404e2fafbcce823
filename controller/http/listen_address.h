// Parsing a listen address flag ("127.0.0.1:8080", "0.0.0.0:8080", "[::1]:8080", "[::]:8080",
// ":8080") into the address and port a Server::Options takes. IPv6 addresses need brackets so
// the port is not mistaken for a group of the address; ":PORT" means every IPv4 address.
// Pure, so the CLI and the emulators share one reading and its error messages.
//
//   Result<http::ListenAddress> l = http::ParseListenAddress("[::1]:8080");
//   // l->address == "::1", l->port == 8080
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace spaceport::http {

struct ListenAddress {
  std::string address;  // an IPv4 or IPv6 literal, without brackets
  int port = 0;
};

// kInvalidArgument naming the text and the expected forms when it is not ADDRESS:PORT with a
// literal address and a port in 0..65535.
Result<ListenAddress> ParseListenAddress(std::string_view text);

}  // namespace spaceport::http
