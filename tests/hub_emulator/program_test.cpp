// The hub-emulator program: prints where it listens, serves, and exits 0 on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "http/http.h"

extern char** environ;

namespace spaceport::hub_emulator {
namespace {

// Runs the program with stdout on a pipe; reads its first line.
class Program {
 public:
  explicit Program(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    args.insert(args.begin(), HUB_EMULATOR_BIN);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, HUB_EMULATOR_BIN, &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~Program() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_) fclose(out_);
  }
  std::string FirstLine() {
    char buf[256] = {0};
    if (!out_ || !fgets(buf, sizeof buf, out_)) return "";
    return buf;
  }
  // SIGTERM, then the exit status (-1 when it did not exit normally within 5 s).
  int Terminate() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

TEST(Program, PrintsItsAddressServesAndStopsCleanlyOnSigterm) {
  Program program({"--port", "0", "--token", "hf_ci:ci:acme", "--budget", "3", "--window-seconds", "60"});
  const std::string line = program.FirstLine();
  ASSERT_EQ(line.rfind("listening on http://127.0.0.1:", 0), 0u) << line;
  const std::string base = line.substr(std::string("listening on ").size(), line.size() - 14);
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
