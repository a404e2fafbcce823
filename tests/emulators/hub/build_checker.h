// BuildChecker: the emulated builder's one worker thread. A build needs to know whether its
// FROM images exist, which takes network round trips to a registry; HTTP handlers must not
// block (http.h), so they Submit the images here and the result arrives later through the
// callback, which records it in the Hub's state under the Hub's lock.
//
// WaitIdle() blocks until every submitted check has finished and its callback returned; tests
// on a FakeClock call it before advancing time, so a build's outcome never depends on thread
// timing.
//
//   BuildChecker checker(probe);
//   checker.Submit({*ImageRef::Parse("busybox")}, [&](std::vector<ProbeResult> r) { ... });
//   checker.WaitIdle();
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "emulators/hub/image_probe.h"

namespace spaceport::hub_emulator {

class BuildChecker {
 public:
  using Done = std::function<void(std::vector<ProbeResult>)>;

  explicit BuildChecker(ImageProbe& probe);
  ~BuildChecker();  // finishes queued checks, then joins the worker
  BuildChecker(const BuildChecker&) = delete;
  BuildChecker& operator=(const BuildChecker&) = delete;

  void Submit(std::vector<ImageRef> images, Done done);
  void WaitIdle();

 private:
  struct Job {
    std::vector<ImageRef> images;
    Done done;
  };
  void Run();

  ImageProbe& probe_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<Job> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace spaceport::hub_emulator
