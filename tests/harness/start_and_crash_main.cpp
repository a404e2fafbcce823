// spaceport-test-start-and-crash LOG PROGRAM [ARG...]: starts PROGRAM as a support::ChildProcess
// with its output in LOG, prints its pid, then kills itself with SIGKILL, as a crashing test
// would (no destructor runs). tests/harness checks that the server does not outlive it.
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "support/process.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: spaceport-test-start-and-crash LOG PROGRAM [ARG...]\n");
    return 2;
  }
  const std::vector<std::string> command(argv + 2, argv + argc);
  auto child = spaceport::support::ChildProcess::Start(command, argv[1]);
  if (!child.ok()) {
    std::fprintf(stderr, "%s\n", child.status().ToString().c_str());
    return 1;
  }
  std::printf("%d\n", static_cast<int>(child->pid()));
  std::fflush(stdout);
  raise(SIGKILL);
  return 0;
}
