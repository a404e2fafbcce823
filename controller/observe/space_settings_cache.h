// SpaceSettingsCache: remembers each Space's variables and secret descriptions between
// observations, so a controller that receives the Hub's webhooks need not read them every pass.
//
// The Hub sends a `repo.config` webhook when a Space's settings change, but nothing for runtime
// stages, so the runtime (one info request) is read every pass while settings are read only
// every `refresh_every`-th pass, or at once after Invalidate (a webhook, or our own write).
// refresh_every = 1 reads them every time (no webhooks: the safe default). Per Space steady
// state then costs 1 + 2/refresh_every requests per pass: 3 without webhooks, about 1.3 with 6.
//
//   SpaceSettingsCache cache(6);
//   options.settings_cache = &cache;           // observe/hub_observer.h
//   cache.Invalidate("acme/tools");            // on a repo.config webhook
//
// Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "observe/observation.h"

namespace spaceport::observe {

struct SpaceSettings {
  std::optional<std::map<std::string, std::string>> variables;  // nullopt: not read
  std::optional<std::map<std::string, SecretInfo>> secrets;
};

class SpaceSettingsCache {
 public:
  explicit SpaceSettingsCache(int refresh_every = 1) : refresh_every_(refresh_every < 1 ? 1 : refresh_every) {}

  // The settings to reuse for this pass, or nullopt when they must be read (and then Store()d).
  // Each reuse counts towards the next refresh.
  std::optional<SpaceSettings> Reuse(const std::string& space);
  void Store(const std::string& space, SpaceSettings settings);
  void Invalidate(const std::string& space);
  int refresh_every() const { return refresh_every_; }

 private:
  struct Entry {
    SpaceSettings settings;
    int reuses = 0;
  };
  const int refresh_every_;
  std::mutex mu_;
  std::map<std::string, Entry> entries_;
};

}  // namespace spaceport::observe
