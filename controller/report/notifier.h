// Notifications to ops: `spaceport run --notify URL [--notify-format json|slack]`.
//
// Four events, posted only when something changed (the controller calls Notify on a transition,
// not on every reconcile):
//   DriftFound      drift appeared (or its set of items changed) on a deployment
//   DriftCorrected  a deployment with drift is back in sync after Spaceport corrected it
//   DeploySucceeded a Space reached RUNNING on a new image digest
//   DeployFailed    a build, publish or Space failed (BUILD_ERROR, RUNTIME_ERROR, ImageMissing, ...)
// Each carries the deployment, the image ref and digest, the Space and its URL, the build run link
// when there is one, the drift items and a one-line message.
//
// Formats (docs/notifications.md):
//  - json: {"apiVersion":"spaceport.dev/v1alpha1","kind":"Notification","event":"DriftFound",
//           "deployment":"default/tools","severity":"warning","message":"...","time":"RFC3339",
//           "revision":"...","image":{"ref":"ghcr.io/acme/tools:1.2.0","digest":"sha256:..."},
//           "spaces":[{"space":"acme/tools","url":"https://huggingface.co/spaces/acme/tools",
//                      "stage":"RUNNING"}],
//           "build":{"url":"..."}, "drift":[{"target","field","desired","observed"}]}
//  - slack: an incoming-webhook body {"text": fallback, "blocks":[section with mrkdwn text, context]};
//           the same facts, links as <url|label>.
//
// Duplicates are suppressed: an identical notification (same event, deployment and content
// fingerprint — time excluded) within `dedupe_window` (5 min) of the last one sent is dropped.
// Posting happens on a background thread with a bounded queue, so a slow receiver never holds a
// reconcile; a failed post is retried (3 tries, 1 s apart on the Clock) then dropped with a log
// line. The URL may carry a token (Slack's does): it is never logged, only its origin.
// Details: only no answer, 5xx, 408 and 429 are retried (another 4xx means the URL is wrong);
// a Retry-After longer than the pause is honoured up to 60 s; redirects are not followed (the
// body must not go somewhere unchosen); a notification that was never delivered is forgotten by
// the dedupe window, so the next identical one is tried again.
//
//   Notifier n(options, transport, clock);
//   n.Notify(event);    // returns at once; false when dropped as a duplicate
//   n.Flush();          // tests and shutdown: wait until the queue is empty
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/json.h"
#include "http/http.h"
#include "plan/plan.h"

namespace spaceport::report {

enum class NotificationEvent { kDriftFound, kDriftCorrected, kDeploySucceeded, kDeployFailed };
const char* to_string(NotificationEvent e);

struct NotifiedSpace {
  std::string space;  // OWNER/NAME
  std::string url;
  std::string stage;
};

struct Notification {
  NotificationEvent event{};
  std::string deployment;   // namespace/name
  std::string message;      // one line
  std::string reason;       // condition reason
  std::string revision;     // source revision
  std::string image_ref;    // REPO:VERSION
  std::string image_digest;
  std::vector<NotifiedSpace> spaces;
  std::string build_url;
  std::vector<plan::DriftItem> drift;
  std::string time;         // RFC 3339; excluded from the dedupe fingerprint
};

enum class NotifyFormat { kJson, kSlack };

Json NotificationToJson(const Notification& n);
Json NotificationToSlack(const Notification& n);

struct NotifierOptions {
  std::string url;
  NotifyFormat format = NotifyFormat::kJson;
  Clock::Duration dedupe_window = std::chrono::minutes(5);
  size_t max_queue = 1000;  // beyond this, new notifications are dropped (and counted)
  int attempts = 3;
  Clock::Duration retry_pause = std::chrono::seconds(1);
  std::vector<std::string> insecure_origins;  // plain-http receivers allowed (loopback tests)
  std::function<void(const std::string&)> log;  // one line per failure; never holds the URL's path
};

struct NotifierStats {
  int64_t sent = 0;
  int64_t failed = 0;      // dropped after all attempts
  int64_t duplicates = 0;  // suppressed by the dedupe window
  int64_t dropped = 0;     // queue full
  int64_t attempts = 0;    // POSTs made, retries included
};

// Checks what can be checked before the first event: the URL parses and is https (or plain http
// to a listed insecure origin), attempts >= 1. For `--notify` validation at startup; the message
// names the URL's origin only.
Status CheckNotifierOptions(const NotifierOptions& options);

class Notifier {
 public:
  Notifier(NotifierOptions options, http::Transport& transport, Clock& clock);
  ~Notifier();  // flushes what is queued (bounded by one attempt each), then stops the thread
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  // Queues `n` unless it duplicates one sent within the window. Never blocks on the network.
  bool Notify(const Notification& n);
  void Flush();
  NotifierStats stats() const;

 private:
  void Loop();
  std::string Fingerprint(const Notification& n) const;

  NotifierOptions options_;
  http::Transport& transport_;
  Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Notification> queue_;
  std::map<std::string, Clock::TimePoint> last_sent_;  // fingerprint → when queued
  NotifierStats stats_;
  bool stopping_ = false;
  int in_flight_ = 0;
  std::thread thread_;
};

}  // namespace spaceport::report
