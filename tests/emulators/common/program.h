// What the emulator programs (hub-emulator, github-emulator) share around their emulator: stop
// signals that only the main thread receives, and the serve loop that prints where it listens and
// returns when SIGTERM or SIGINT arrives. Tests read the first line ("listening on URL") and
// expect exit status 0 on SIGTERM; a failure to listen is exit status 1 with the reason on stderr.
//
//   emulators::StopSignals stop;            // first: before any thread starts
//   … build options, the clock, the emulator …
//   return emulators::ServeUntilStopped("hub-emulator", hub, address, port, stop);
#pragma once

#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "base/status.h"

namespace spaceport::emulators {

// Blocks SIGTERM and SIGINT in this thread, so every thread started later inherits the mask and
// Wait() is the only receiver (child commands are started with an empty mask).
class StopSignals {
 public:
  StopSignals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  void Wait() {
    int received = 0;
    sigwait(&set_, &received);
  }

 private:
  sigset_t set_;
};

// Listens, prints "listening on URL", waits for a stop signal, stops the emulator. Exit status.
template <class Emulator>
int ServeUntilStopped(const char* program, Emulator& emulator, const std::string& address, int port,
                      StopSignals& stop) {
  if (Status s = emulator.Listen(address, port); !s.ok()) {
    std::cerr << program << ": " << s.ToString() << "\n";
    return 1;
  }
  std::printf("listening on %s\n", emulator.base_url().c_str());
  std::fflush(stdout);
  stop.Wait();
  emulator.Stop();
  return 0;
}

}  // namespace spaceport::emulators
