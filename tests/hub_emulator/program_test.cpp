// The hub-emulator program: prints where it listens, serves, and exits 0 on SIGTERM.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "http/http.h"
#include "support/piped_program.h"

namespace spaceport::hub_emulator {
namespace {

// The program under test, stdout on a pipe.
class Program : public support::PipedProgram {
 public:
  explicit Program(std::vector<std::string> args) : PipedProgram(HUB_EMULATOR_BIN, std::move(args)) {}
};

TEST(Program, PrintsItsAddressServesAndStopsCleanlyOnSigterm) {
  Program program({"--port", "0", "--token", "hf_ci:ci:acme", "--budget", "3", "--window-seconds", "60"});
  const std::string line = program.FirstLine();
  ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0u) << line;
  const std::string base = support::ListeningUrl(line);
  auto transport = http::MakeTransport({});
  http::Request whoami;
  whoami.url = base + "/api/whoami-v2";
  whoami.headers.Add("Authorization", "Bearer hf_ci");
  Result<http::Response> me = transport->Send(whoami);
  ASSERT_TRUE(me.ok()) << me.status().ToString();
  EXPECT_EQ(me->status, 200);
  EXPECT_NE(me->body.find("\"name\":\"acme\""), std::string::npos) << me->body;
  EXPECT_NE(me->headers.Get("RateLimit-Policy").value_or("").find("q=3;w=60"), std::string::npos);
  EXPECT_EQ(program.Terminate(), 0);
}

TEST(Program, RefusesAMalformedTokenFlag) {
  Program program({"--token", "no-colon"});
  EXPECT_EQ(program.FirstLine(), "");
  EXPECT_EQ(program.Terminate(), 2);
}

}  // namespace
}  // namespace spaceport::hub_emulator
