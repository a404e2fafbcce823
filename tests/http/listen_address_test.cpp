// ParseListenAddress: the --listen flag's forms, IPv6 in brackets.
#include "http/listen_address.h"

#include <gtest/gtest.h>

namespace spaceport::http {
namespace {

struct Case {
  std::string name;
  std::string text;
  bool ok;
  std::string address;
  int port;
};

class ListenAddressCase : public ::testing::TestWithParam<Case> {};

TEST_P(ListenAddressCase, ParsesOrRefuses) {
  Result<ListenAddress> r = ParseListenAddress(GetParam().text);
  ASSERT_EQ(r.ok(), GetParam().ok) << (r.ok() ? "" : r.status().message());
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("[::1]:8080"), std::string::npos);  // names the forms
    return;
  }
  EXPECT_EQ(r->address, GetParam().address);
  EXPECT_EQ(r->port, GetParam().port);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ListenAddressCase,
    ::testing::Values(Case{"ipv4_loopback", "127.0.0.1:8080", true, "127.0.0.1", 8080},
                      Case{"ipv4_wildcard", "0.0.0.0:80", true, "0.0.0.0", 80},
                      Case{"port_only_is_every_ipv4_address", ":9090", true, "0.0.0.0", 9090},
                      Case{"ipv6_loopback_in_brackets", "[::1]:8080", true, "::1", 8080},
                      Case{"ipv6_wildcard_in_brackets", "[::]:8080", true, "::", 8080},
                      Case{"port_zero_picks_one", "[::1]:0", true, "::1", 0},
                      Case{"ipv6_without_brackets_is_refused", "::1:8080", false, "", 0},
                      Case{"unclosed_bracket_is_refused", "[::1:8080", false, "", 0},
                      Case{"ipv4_in_brackets_is_refused", "[127.0.0.1]:8080", false, "", 0},
                      Case{"a_host_name_is_refused", "localhost:8080", false, "", 0},
                      Case{"no_port_is_refused", "127.0.0.1", false, "", 0},
                      Case{"port_over_65535_is_refused", "127.0.0.1:65536", false, "", 0},
                      Case{"non_numeric_port_is_refused", "127.0.0.1:http", false, "", 0}),
    [](const auto& test_info) { return test_info.param.name; });

}  // namespace
}  // namespace spaceport::http
