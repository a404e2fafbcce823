// Hub error responses → Status codes, messages and condition reasons.
#include "clients/hub/hub_error.h"

#include <gtest/gtest.h>

#include "hub/fake_hub.h"

namespace spaceport::hub {
namespace {

using testing::HubError;
using testing::Reply;

TEST(HubErrorMapping, StatusCodesMessagesAndReasonsFollowTheTable) {
  struct Case {
    std::string name;
    http::Response response;
    StatusCode want_code;
    std::string want_message;
    std::string_view want_reason;
  };
  const Case cases[] = {
      {"401 with the invalid-credentials header is an auth failure",
       HubError(401, "", "Invalid credentials in Authorization header"),
       StatusCode::kUnauthenticated,
       "Hub: GET runtime of alice/demo: 401: Invalid credentials in Authorization header",
       reason::kAuthFailed},
      {"403 is permission denied, also an auth failure",
       HubError(403, "", "You don't have the rights"), StatusCode::kPermissionDenied,
       "Hub: GET runtime of alice/demo: 403: You don't have the rights", reason::kAuthFailed},
      {"404 RepoNotFound names the code and means the Space is missing",
       HubError(404, "RepoNotFound", "Repository not found"), StatusCode::kNotFound,
       "Hub: GET runtime of alice/demo: 404 RepoNotFound: Repository not found",
       reason::kSpaceMissing},
      {"409 is a conflict", HubError(409, "", "conflict"), StatusCode::kConflict,
       "Hub: GET runtime of alice/demo: 409: conflict", reason::kConflict},
      {"412 is a conflict", HubError(412, "", "A commit has happened since"),
       StatusCode::kConflict, "Hub: GET runtime of alice/demo: 412: A commit has happened since",
       reason::kConflict},
      {"429 is rate limiting", HubError(429, "", "Too many requests"),
       StatusCode::kResourceExhausted, "Hub: GET runtime of alice/demo: 429: Too many requests",
       reason::kRateLimited},
      {"502 with an HTML page is transient and does not quote the page",
       Reply(502, "<html><body>Bad gateway</body></html>"), StatusCode::kUnavailable,
       "Hub: GET runtime of alice/demo: 502", reason::kHubError},
      {"400 is an invalid argument", HubError(400, "", "Invalid expand value"),
       StatusCode::kInvalidArgument, "Hub: GET runtime of alice/demo: 400: Invalid expand value",
       reason::kHubError},
      {"402 (a paid plan is needed) is permission denied",
       Reply(402, R"({"error":"Payment required"})"), StatusCode::kPermissionDenied,
       "Hub: GET runtime of alice/demo: 402: Payment required", reason::kAuthFailed},
      {"a bare 404 says not found", Reply(404), StatusCode::kNotFound,
       "Hub: GET runtime of alice/demo: 404 not found", reason::kSpaceMissing},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = StatusFromHubResponse(c.response, "GET runtime of alice/demo");
    EXPECT_EQ(s.code(), c.want_code);
    EXPECT_EQ(s.message(), c.want_message);
    EXPECT_EQ(ConditionReasonFor(s), c.want_reason);
  }
  EXPECT_EQ(ConditionReasonFor(Status::Ok()), "");
}

TEST(HubErrorMapping, TheBodyIsReadInEveryShapeTheOfficialClientsAccept) {
  struct Case {
    std::string name;
    std::string body;
    std::string want;
  };
  const Case cases[] = {
      {"error string", R"({"error":"Repository not found"})", "Repository not found"},
      {"error array", R"({"error":["a","b"]})", "a; b"},
      {"error with description", R"({"error":"invalid_grant","error_description":"expired"})",
       "invalid_grant: expired"},
      {"message", R"({"message":"nope"})", "nope"},
      {"errors list", R"({"errors":[{"message":"x"},{"message":"y"}]})", "x; y"},
      {"short plain text", "Bad Gateway\n", "Bad Gateway"},
      {"an empty body says nothing", "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ReadHubError(Reply(500, c.body)).message, c.want);
  }
}

TEST(HubErrorMapping, XErrorMessageWinsOverTheBody) {
  http::Response r = Reply(404, R"({"error":"from body"})",
                           {{"X-Error-Code", "EntryNotFound"}, {"X-Error-Message", "from header"}});
  HubErrorDetail d = ReadHubError(r);
  EXPECT_EQ(d.code, "EntryNotFound");
  EXPECT_EQ(d.message, "from header");
}

TEST(HubErrorMapping, SomethingThatLooksLikeAHubTokenIsMaskedInMessages) {
  http::Response r = Reply(401, R"({"error":"token hf_AbCdEfGhIjKlMnOpQrStUvWxYz01 is invalid"})");
  Status s = StatusFromHubResponse(r, "whoami");
  EXPECT_EQ(s.message(), "Hub: whoami: 401: token hf_<redacted> is invalid");
  // Short hf_ words (README keys) are left alone.
  EXPECT_EQ(MaskTokens("hf_oauth is set; hf_oauth_scopes too"), "hf_oauth is set; hf_oauth_scopes too");
}

}  // namespace
}  // namespace spaceport::hub
