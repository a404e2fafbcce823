// PipedProgram: a program under test started with its stdout on a pipe, for the tests of our own
// server programs (the Hub and GitHub emulators) that print "listening on URL" as their first line
// and must exit cleanly on SIGTERM. Unlike ChildProcess (output to a log file, stopped by PID for
// third-party servers), the test reads the first line as it is printed, and Terminate() reports the
// exit status so "exits 0 on SIGTERM" can be asserted.
//
//   support::PipedProgram program(HUB_EMULATOR_BIN, {"--port", "0"});
//   const std::string line = program.FirstLine();   // "listening on http://127.0.0.1:PORT\n"
//   EXPECT_EQ(program.Terminate(), 0);
//
// The destructor kills a program still running; so does the death of the test process
// (support::StartServer). Thread-compatible.
#pragma once

#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace spaceport::support {

class PipedProgram {
 public:
  PipedProgram(const std::string& path, std::vector<std::string> args);
  PipedProgram(const PipedProgram&) = delete;
  PipedProgram& operator=(const PipedProgram&) = delete;
  ~PipedProgram();

  // The next line of stdout (with its newline), or "" at end of output.
  std::string FirstLine();
  // SIGTERM, then the exit status (-1 when it did not exit normally within 5 s).
  int Terminate();

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// "http://127.0.0.1:PORT" from a "listening on URL\n" line, or "" when the line is not one.
std::string ListeningUrl(const std::string& line);

}  // namespace spaceport::support
