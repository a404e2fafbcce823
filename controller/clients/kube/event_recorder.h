// EventRecorder: core/v1 Events about an object, as `kubectl describe` shows them, without a flood.
//
// client-go's habit is kept: an Event that repeats is not created again but counted — its
// `count` goes up and `lastTimestamp` moves. Here the unit is one Event per (object, reason):
// the Event's name is derived from the object's uid and the reason, so a restarted controller
// finds and updates the same Event instead of adding a second (create → 409 AlreadyExists → read
// it, then patch count, message and lastTimestamp). Events are best effort: a failure is returned
// for logging and never stops a reconcile.
//
//   EventRecorder events(client, clock, "spaceport");
//   events.Record({kSpaceDeployments, "default", "tools", uid}, "Normal", "DeploySucceeded",
//                 "ghcr.io/acme/tools:1.2.0 running on acme/tools");
//
// Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "clients/kube/kube_client.h"

namespace spaceport::kube {

struct ObjectReference {
  const Resource* resource = nullptr;
  std::string namespace_;
  std::string name;
  std::string uid;
  std::string resource_version;
};

class EventRecorder {
 public:
  EventRecorder(KubeClient& client, Clock& clock, std::string component);

  // type: "Normal" or "Warning". The message is cut to 1,024 bytes (the API's limit).
  Status Record(const ObjectReference& object, const std::string& type, const std::string& reason,
                const std::string& message);

  int64_t created() const { return created_; }
  int64_t updated() const { return updated_; }

 private:
  Status Bump(const ObjectReference& object, const std::string& event_name, const std::string& type,
              const std::string& message, int64_t count);

  KubeClient& client_;
  Clock& clock_;
  std::string component_;
  std::mutex mu_;
  std::map<std::string, int64_t> counts_;  // event name → count we last wrote
  std::atomic<int64_t> created_{0};
  std::atomic<int64_t> updated_{0};
};

// The Event name for (object uid, reason): "<name>.<16 hex of sha256(uid/reason)>".
std::string EventName(const ObjectReference& object, const std::string& reason);

}  // namespace spaceport::kube
