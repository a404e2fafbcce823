// support::ChildProcess, the harness every suite that runs a real server uses: a server dies with
// the test process that started it, even when that process crashes, and does not die with the
// thread that started it; a program that cannot be executed is an error naming why.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/temp_dir.h"

namespace spaceport::support {
namespace {

using ::testing::HasSubstr;

// The one-letter state of `pid` from /proc/PID/stat when it is the program `comm`; nullopt when
// there is no such process (or the pid now belongs to another program).
std::optional<char> StateOf(pid_t pid, const std::string& comm) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close + 2 >= stat.size()) return std::nullopt;
  if (stat.substr(open + 1, close - open - 1) != comm) return std::nullopt;
  return stat[close + 2];
}

bool AliveAs(pid_t pid, const std::string& comm) {
  const std::optional<char> state = StateOf(pid, comm);
  return state.has_value() && *state != 'Z' && *state != 'X';  // a zombie is dead, waiting for a reaper
}

TEST(ChildProcess, AServerDiesWithTheTestProcessThatCrashedWithoutStoppingIt) {
  TempDir dir("harness");
  const CommandResult r = RunCommand({START_AND_CRASH_BIN, dir / "sleep.log", "sleep", "300"});
  ASSERT_EQ(r.exit_code, -1) << "the helper should have died by SIGKILL: " << r.output;
  const pid_t server = static_cast<pid_t>(std::stol(LastLine(r.output)));
  ASSERT_GT(server, 1) << r.output;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (AliveAs(server, "sleep") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const bool orphaned = AliveAs(server, "sleep");
  if (orphaned) kill(server, SIGKILL);  // do not leave it behind either
  EXPECT_FALSE(orphaned) << "pid " << server << " (sleep 300) outlived the test process that started it";
}

TEST(ChildProcess, AServerStartedFromAThreadThatEndsKeepsRunning) {
  TempDir dir("harness");
  std::optional<ChildProcess> server;
  std::thread([&] {
    auto started = ChildProcess::Start({"sleep", "300"}, dir / "sleep.log");
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    server.emplace(std::move(*started));
  }).join();
  ASSERT_TRUE(server.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(server->Running()) << "the server died with the thread that started it";
  EXPECT_EQ(server->SignalAndWait(SIGTERM, std::chrono::seconds(5)), 128 + SIGTERM);
}

TEST(ChildProcess, AServersOutputGoesToItsLogAndItsExitCodeIsReported) {
  TempDir dir("harness");
  auto server = ChildProcess::Start({"sh", "-c", "echo to-stdout; echo to-stderr >&2; read x; exit 3"},
                                    dir / "sh.log");
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  // stdin is /dev/null: `read` ends at once and the program exits 3.
  EXPECT_EQ(server->SignalAndWait(0, std::chrono::seconds(10)), 3);
  EXPECT_THAT(server->Log(), HasSubstr("to-stdout\n"));
  EXPECT_THAT(server->Log(), HasSubstr("to-stderr\n"));
}

TEST(ChildProcess, AProgramThatCannotBeExecutedIsAnErrorSayingWhy) {
  TempDir dir("harness");
  WriteFile(dir / "not-a-program", "no shebang, no ELF header\n");
  ASSERT_EQ(chmod((dir / "not-a-program").c_str(), 0755), 0);
  auto started = ChildProcess::Start({dir / "not-a-program"}, dir / "out.log");
  ASSERT_FALSE(started.ok());
  EXPECT_THAT(started.status().message(), HasSubstr("cannot start " + dir / "not-a-program" + ": Exec format error"));

  auto missing = ChildProcess::Start({"spaceport-no-such-program"}, dir / "out.log");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("`spaceport-no-such-program` is not installed"));
}

}  // namespace
}  // namespace spaceport::support
