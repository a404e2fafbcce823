// SpaceSettingsCache: remembers each Space's variables and secret descriptions between
// observations, so a controller need not read them every pass.
//
// Variables and secrets cannot be listed in bulk (observe/space_list_cache.h covers runtime, sha
// and cardData): each costs one request per Space. The Hub sends a `repo.config` webhook when a
// Space's settings change, so with webhooks they are read again only when they are older than
// `max_age` (the controller's --settings-resync-interval, 10 minutes with Hub webhooks), or at
// once after Invalidate (a webhook about the Space, or our own write to it). max_age 0 reads them
// every pass (no webhooks: the safe default, so a hand-made change is seen within one interval).
// A variable changed by hand therefore stays unseen at most max_age + the deployment's interval
// (the first pass after the settings aged out), or until the webhook arrives.
//
//   SpaceSettingsCache cache(clock, std::chrono::minutes(10));
//   options.settings_cache = &cache;           // observe/hub_observer.h
//   cache.Invalidate("acme/tools");            // on a webhook about acme/tools
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "observe/observation.h"

namespace spaceport::observe {

struct SpaceSettings {
  std::optional<std::map<std::string, std::string>> variables;  // nullopt: not read
  std::optional<std::map<std::string, SecretInfo>> secrets;
};

class SpaceSettingsCache {
 public:
  SpaceSettingsCache(Clock& clock, Clock::Duration max_age) : clock_(clock), max_age_(max_age) {}

  // The settings to reuse for this pass (read less than max_age ago), or nullopt when they must
  // be read (and then Store()d).
  std::optional<SpaceSettings> Reuse(const std::string& space);
  void Store(const std::string& space, SpaceSettings settings);
  void Invalidate(const std::string& space);
  Clock::Duration max_age() const { return max_age_; }

 private:
  struct Entry {
    SpaceSettings settings;
    Clock::TimePoint read{};
  };
  Clock& clock_;
  const Clock::Duration max_age_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace spaceport::observe
