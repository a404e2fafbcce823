#include "http/response_stream.h"

namespace spaceport::http {

ResponseStream::~ResponseStream() {
  if (attached_ && !closed_ && sink_.finish) sink_.finish();
}

bool ResponseStream::Write(std::string_view bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return false;
  if (!attached_) {
    if (pending_.size() + bytes.size() > max_pending_bytes_) {
      closed_ = true;
      pending_.clear();
      return false;
    }
    pending_.append(bytes);
    return true;
  }
  // The sink is called under the lock so that bytes from two writers never interleave.
  if (!sink_.write(bytes)) {
    closed_ = true;
    return false;
  }
  return true;
}

void ResponseStream::Close() {
  std::function<void()> finish;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) return;
    closed_ = true;
    if (attached_) finish = sink_.finish;
  }
  if (finish) finish();
}

bool ResponseStream::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return closed_;
}

void ResponseStream::Attach(Sink sink) {
  std::function<void()> finish;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (attached_) return;
    attached_ = true;
    sink_ = std::move(sink);
    // Bytes still pending were accepted by Write(): a Close() before the backend came ends the
    // body after them (overflow and Detach clear pending_, so nothing refused is sent).
    if (!pending_.empty() && !sink_.write(pending_)) closed_ = true;
    pending_.clear();
    if (closed_) finish = sink_.finish;  // closed before the backend came: end the body now
  }
  if (finish) finish();
}

void ResponseStream::Detach() {
  std::lock_guard<std::mutex> lock(mu_);
  closed_ = true;
  pending_.clear();
}

}  // namespace spaceport::http
