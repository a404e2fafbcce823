// The github-emulator program: prints where it listens, really runs a dispatched workflow's
// command in real time, and exits 0 on SIGTERM (2 on a malformed flag).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "base/json.h"
#include "http/http.h"
#include "support/piped_program.h"

namespace spaceport::github_emulator {
namespace {

// The program under test, stdout on a pipe.
class Program : public support::PipedProgram {
 public:
  explicit Program(std::vector<std::string> args) : PipedProgram(GITHUB_EMULATOR_BIN, std::move(args)) {}
};

TEST(Program, a_dispatched_run_executes_its_command_with_the_inputs_in_its_environment) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("github-emulator-program-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "out.txt").string();
  const std::string wf = "acme/app/docker.yml";
  Program program({"--port", "0", "--token", "ghp_ci:ci", "--workflow", wf,
                   "--workflow-inputs", wf + "=version!,build_id", "--run-name", wf + "=build ${{ inputs.build_id }}",
                   "--workflow-command",
                   wf + "=[\"sh\",\"-c\",\"echo $INPUT_VERSION $INPUT_BUILD_ID $GITHUB_RUN_ID > " + out + "\"]",
                   "--queued-seconds", "0.1", "--budget", "100"});
  const std::string line = program.FirstLine();
  ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0u) << line;
  const std::string base = support::ListeningUrl(line);
  auto transport = http::MakeTransport({});

  http::Request dispatch;
  dispatch.method = "POST";
  dispatch.url = base + "/repos/acme/app/actions/workflows/docker.yml/dispatches";
  dispatch.headers.Add("Authorization", "Bearer ghp_ci");
  dispatch.body = R"({"ref":"main","inputs":{"version":"1.0","build_id":"b-9"},"return_run_details":true})";
  Result<http::Response> answer = transport->Send(dispatch);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_EQ(answer->headers.Get("x-ratelimit-limit"), "100");
  const Json details = *Json::Parse(answer->body);

  Json run;
  for (int i = 0; i < 200; ++i) {
    http::Request get;
    get.url = details.GetString("run_url");
    get.headers.Add("Authorization", "token ghp_ci");
    Result<http::Response> got = transport->Send(get);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    run = *Json::Parse(got->body);
    if (run.GetString("status") == "completed") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  EXPECT_EQ(run.GetString("conclusion"), "success") << run.Dump();
  EXPECT_EQ(run.GetString("display_title"), "build b-9");
  std::ifstream written(out);
  std::stringstream text;
  text << written.rdbuf();
  EXPECT_EQ(text.str(), "1.0 b-9 " + details.Find("workflow_run_id")->Lexeme() + "\n");
  EXPECT_EQ(program.Terminate(), 0);
  std::filesystem::remove_all(dir);
}

TEST(Program, refuses_a_malformed_flag_with_exit_status_2) {
  struct Case {
    const char* name;
    std::vector<std::string> args;
  } cases[] = {
      {"token without a login", {"--token", "no-colon"}},
      {"command for an undeclared workflow", {"--workflow-command", "a/b/c.yml=[\"true\"]"}},
      {"command that is not a JSON argv", {"--workflow", "a/b/c.yml", "--workflow-command", "a/b/c.yml=true"}},
      {"rate-limited status other than 403/429", {"--rate-limited-status", "500"}},
  };
  for (const Case& c : cases) {
    Program program(c.args);
    EXPECT_EQ(program.FirstLine(), "") << c.name;
    EXPECT_EQ(program.Terminate(), 2) << c.name;
  }
}

}  // namespace
}  // namespace spaceport::github_emulator
