// The scripted transport of the Hub client's unit tests (support::ScriptedTransport with
// https://hub.test dropped from request lines), and small helpers for Hub-shaped answers.
//
//   FakeHub hub(&clock);
//   hub.Expect("GET /api/whoami-v2", Json200(R"({"name":"alice"})"));
//   … client calls …
//   EXPECT_THAT(hub.Lines(), ElementsAre("GET /api/whoami-v2"));
//   EXPECT_THAT(hub.mismatches(), IsEmpty());
#pragma once

#include <map>
#include <optional>
#include <string>

#include "base/clock.h"
#include "clients/hub/hub_config.h"
#include "http/http.h"
#include "support/scripted_transport.h"

namespace spaceport::hub::testing {

inline constexpr char kHubOrigin[] = "https://hub.test";
inline constexpr char kToken[] = "hf_TestTokenValue0123456789abcdef";

using support::Reply;

inline http::Response Json200(std::string body) {
  return Reply(200, std::move(body), {{"Content-Type", "application/json; charset=utf-8"}});
}

// An error the way the Hub sends one: JSON body, X-Error-Code, X-Error-Message.
inline http::Response HubError(int status, std::string code, std::string message) {
  http::Headers h{{"Content-Type", "application/json; charset=utf-8"},
                  {"X-Request-Id", "Root=1-abc"}};
  if (!code.empty()) h.Add("X-Error-Code", code);
  if (!message.empty()) h.Add("X-Error-Message", message);
  return Reply(status, R"({"error":")" + message + R"("})", std::move(h));
}

inline EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

inline HubConfig TestConfig(bool with_token = true) {
  HubConfig config;
  config.endpoint = kHubOrigin;
  if (with_token) config.token = HubToken{kToken, "HF_TOKEN"};
  return config;
}

class FakeHub final : public support::ScriptedTransport {
 public:
  explicit FakeHub(const Clock* clock = nullptr) : ScriptedTransport({kHubOrigin}, clock) {}
};

}  // namespace spaceport::hub::testing
