#include "support/piped_program.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "support/process.h"

namespace spaceport::support {

PipedProgram::PipedProgram(const std::string& path, std::vector<std::string> args) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  args.insert(args.begin(), path);
  Result<pid_t> pid = StartServer(args, fds[1], STDERR_FILENO);
  pid_ = pid.ok() ? *pid : -1;
  close(fds[1]);
  out_ = fdopen(fds[0], "r");
}

PipedProgram::~PipedProgram() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (out_) fclose(out_);
}

std::string PipedProgram::FirstLine() {
  char buf[512] = {0};
  if (!out_ || !fgets(buf, sizeof buf, out_)) return "";
  return buf;
}

int PipedProgram::Terminate() {
  if (pid_ <= 0) return -1;
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

std::string ListeningUrl(const std::string& line) {
  const std::string prefix = "listening on ";
  if (line.rfind(prefix, 0) != 0) return "";
  std::string url = line.substr(prefix.size());
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r' || url.back() == ' ')) url.pop_back();
  return url;
}

}  // namespace spaceport::support
