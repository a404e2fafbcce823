#include "emulators/hub/build_checker.h"

namespace spaceport::hub_emulator {

BuildChecker::BuildChecker(ImageProbe& probe) : probe_(probe), worker_([this] { Run(); }) {}

BuildChecker::~BuildChecker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

void BuildChecker::Submit(std::vector<ImageRef> images, Done done) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(images), std::move(done)});
  }
  wake_.notify_all();
}

void BuildChecker::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void BuildChecker::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and drained
    Job job = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    // The probe and the callback run unlocked: the callback takes the Hub's lock, and a handler
    // holding that lock may be calling Submit.
    lock.unlock();
    std::vector<ProbeResult> results;
    for (const ImageRef& image : job.images) {
      results.push_back(probe_.Check(image));
      if (!results.back().exists) break;  // the builder stops at the first missing image
    }
    job.done(std::move(results));
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
}

}  // namespace spaceport::hub_emulator
