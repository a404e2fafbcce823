#include "http/listen_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace spaceport::http {

Result<ListenAddress> ParseListenAddress(std::string_view text) {
  const std::string shown(text);
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("\"" + shown + "\" is not ADDRESS:PORT (" + why +
                           "; e.g. 127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080, [::]:8080)");
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("no port");
  const std::string_view digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid("the port is not a number");
  }
  const int port = std::stoi(std::string(digits));
  if (port > 65535) return invalid("the port is above 65535");
  std::string_view host = text.substr(0, colon);
  ListenAddress out;
  out.port = port;
  if (host.empty()) {
    out.address = "0.0.0.0";
    return out;
  }
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return invalid("an unclosed '['");
    out.address = std::string(host.substr(1, host.size() - 2));
    in6_addr a6{};
    if (inet_pton(AF_INET6, out.address.c_str(), &a6) != 1) return invalid("not an IPv6 address in brackets");
    return out;
  }
  out.address = std::string(host);
  in_addr a4{};
  if (inet_pton(AF_INET, out.address.c_str(), &a4) == 1) return out;
  in6_addr a6{};
  if (inet_pton(AF_INET6, out.address.c_str(), &a6) == 1) return invalid("an IPv6 address needs brackets");
  return invalid("the address is not an IPv4 literal or a bracketed IPv6 literal");
}

}  // namespace spaceport::http
