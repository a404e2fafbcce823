// The resident set of another process (the controller under test), from /proc/PID/status: what
// the end-to-end tests print and bound. -1 for a field that could not be read.
//
//   const ProcessMemory m = ReadProcessMemory(controller_->pid());  // m.rss_kib, m.hwm_kib
#pragma once

#include <sys/types.h>

#include <fstream>
#include <string>

namespace spaceport::e2e {

struct ProcessMemory {
  long rss_kib = -1;  // VmRSS
  long hwm_kib = -1;  // VmHWM, the peak
};

// KiB to MiB, keeping -1 (unread) as -1.
inline long MiB(long kib) { return kib < 0 ? -1 : kib / 1024; }

inline ProcessMemory ReadProcessMemory(pid_t pid) {
  ProcessMemory m;
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) m.rss_kib = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) m.hwm_kib = std::stol(line.substr(6));
  }
  return m;
}

}  // namespace spaceport::e2e
