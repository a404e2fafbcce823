// HubState: a Space's variables, secrets, hardware and lifecycle (see hub_state.h).
// Every variable, secret or hardware write restarts the Space, even when the value is the same:
// the Hub documents that changes restart the app, and a client that writes needlessly should
// see the cost in tests.
#include "emulators/hub/hardware.h"
#include "emulators/hub/hub_state.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

Json SettingsJson(const std::map<std::string, Setting>& settings, bool with_values) {
  Json out = Json::Object();
  for (const auto& [key, s] : settings) {
    Json entry = Json::Object();
    if (with_values) entry.Set("value", Json(s.value));
    if (!s.description.empty()) entry.Set("description", Json(s.description));
    entry.Set("updatedAt", Json(IsoTime(s.updated)));
    out.Set(key, std::move(entry));
  }
  return out;
}

}  // namespace

void HubState::SetVariable(Repo& space, const std::string& key, const std::string& value,
                           const std::string& description, Clock::TimePoint now) {
  space.variables[key] = Setting{value, description, now};
  Rebuild(space, now, false);
}

void HubState::DeleteVariable(Repo& space, const std::string& key, Clock::TimePoint now) {
  if (space.variables.erase(key) > 0) Rebuild(space, now, false);
}

void HubState::SetSecret(Repo& space, const std::string& key, const std::string& value,
                         const std::string& description, Clock::TimePoint now) {
  space.secrets[key] = Setting{value, description, now};
  Rebuild(space, now, false);
}

void HubState::DeleteSecret(Repo& space, const std::string& key, Clock::TimePoint now) {
  if (space.secrets.erase(key) > 0) Rebuild(space, now, false);
}

OrError<bool> HubState::RequestHardware(Repo& space, const std::string& flavor,
                                        std::optional<int64_t> sleep_time, Clock::TimePoint now) {
  if (!IsKnownFlavor(flavor)) return BadRequest("Invalid hardware flavor \"" + flavor + "\"");
  space.runtime.RequestHardware(flavor);
  if (sleep_time) space.runtime.SetSleepTime(*sleep_time);
  Rebuild(space, now, false);
  return true;
}

void HubState::Restart(Repo& space, bool /*factory: there is no build cache to skip*/,
                       Clock::TimePoint now) {
  Rebuild(space, now, /*even_if_paused=*/true);
}

Json HubState::VariablesJson(const Repo& space) const { return SettingsJson(space.variables, true); }

Json HubState::SecretsJson(const Repo& space) const { return SettingsJson(space.secrets, false); }

}  // namespace spaceport::hub_emulator
