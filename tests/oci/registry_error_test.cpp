#include "clients/oci/registry_error.h"

#include <gtest/gtest.h>

namespace spaceport::oci {
namespace {

http::Response Answer(int status, std::string body = "", http::Headers headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string Errors(const std::string& code, const std::string& message,
                   const std::string& detail = "null") {
  return R"({"errors":[{"code":")" + code + R"(","message":")" + message + R"(","detail":)" +
         detail + "}]}";
}

TEST(RegistryError, StatusesAndErrorCodesMapToCodesAndConditionReasons) {
  struct Case {
    std::string name;
    http::Response response;
    StatusCode code;
    std::string_view reason;
  };
  const Case cases[] = {
      {"401 is an authentication failure",
       Answer(401, Errors("UNAUTHORIZED", "authentication required")), StatusCode::kUnauthenticated,
       reason::kAuthFailed},
      {"403 DENIED is a permission failure reported as AuthFailed",
       Answer(403, Errors("DENIED", "requested access to the resource is denied")),
       StatusCode::kPermissionDenied, reason::kAuthFailed},
      {"404 MANIFEST_UNKNOWN means the image is missing",
       Answer(404, Errors("MANIFEST_UNKNOWN", "manifest unknown")), StatusCode::kNotFound,
       reason::kImageMissing},
      {"404 NAME_UNKNOWN means the image is missing",
       Answer(404, Errors("NAME_UNKNOWN", "repository name not known to registry")),
       StatusCode::kNotFound, reason::kImageMissing},
      {"429 TOOMANYREQUESTS is rate limiting",
       Answer(429, Errors("TOOMANYREQUESTS", "retry-after: 10.3ms, allowed: 2000/minute")),
       StatusCode::kResourceExhausted, reason::kRateLimited},
      {"a 5xx without a body is unavailable", Answer(503), StatusCode::kUnavailable,
       reason::kRegistryError},
      {"400 DIGEST_INVALID is a digest mismatch",
       Answer(400, Errors("DIGEST_INVALID", "provided digest did not match uploaded content")),
       StatusCode::kDataLoss, reason::kDigestMismatch},
      {"400 MANIFEST_INVALID is invalid input",
       Answer(400, Errors("MANIFEST_INVALID", "manifest invalid")), StatusCode::kInvalidArgument,
       reason::kRegistryError},
      {"400 MANIFEST_BLOB_UNKNOWN means an earlier push step is missing",
       Answer(400, Errors("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", "\"sha256:abc\"")),
       StatusCode::kFailedPrecondition, reason::kRegistryError},
      {"a stale upload session is a precondition failure, not a missing image",
       Answer(404, Errors("BLOB_UPLOAD_INVALID", "blob upload invalid")),
       StatusCode::kFailedPrecondition, reason::kRegistryError},
      {"405 UNSUPPORTED (GHCR delete) is unimplemented",
       Answer(405, Errors("UNSUPPORTED", "The operation is unsupported.")),
       StatusCode::kUnimplemented, reason::kRegistryError},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Status s = StatusFromResponse(c.response, "ghcr.io", "GET manifest owner/app:v1");
    EXPECT_EQ(s.code(), c.code) << s.ToString();
    EXPECT_EQ(ConditionReasonFor(s), c.reason);
    EXPECT_NE(s.message().find("registry ghcr.io: GET manifest owner/app:v1: " +
                               std::to_string(c.response.status)),
              std::string::npos)
        << s.message();
  }
}

TEST(RegistryError, MessagesCarryCodeMessageAndShortDetailButNeverHeaders) {
  http::Response r =
      Answer(400, Errors("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", "\"sha256:abc\""),
             {{"Authorization", "Bearer SECRET-TOKEN"}, {"Set-Cookie", "SECRET-COOKIE"}});
  Status s = StatusFromResponse(r, "127.0.0.1:5000", "PUT manifest o/a:hf-amd64-v1");
  EXPECT_EQ(s.message(),
            "registry 127.0.0.1:5000: PUT manifest o/a:hf-amd64-v1: 400 MANIFEST_BLOB_UNKNOWN: "
            "blob unknown to "
            "registry (sha256:abc)");
  EXPECT_EQ(s.message().find("SECRET"), std::string::npos);
}

TEST(RegistryError, AuthFailuresPointAtTheCredentialsDoc) {
  Status s = StatusFromResponse(Answer(401), "ghcr.io", "GET /v2/");
  EXPECT_EQ(s.message(),
            "registry ghcr.io: GET /v2/: 401 unauthorized; check the credentials for ghcr.io "
            "(docs/registry-auth.md)");
}

TEST(RegistryError, RateLimitMessagesSayHowLongToWait) {
  Status from_header =
      StatusFromResponse(Answer(429, "", {{"Retry-After", "7"}}), "ghcr.io", "POST upload");
  EXPECT_NE(from_header.message().find("retry after 7000ms"), std::string::npos)
      << from_header.message();
  Status from_body = StatusFromResponse(
      Answer(429, Errors("TOOMANYREQUESTS", "retry-after: 10.3ms, allowed: 2000/minute")),
      "ghcr.io", "POST upload");
  EXPECT_NE(from_body.message().find("retry after 11ms"), std::string::npos) << from_body.message();
}

TEST(RegistryError, RetryAfterInGhcrBodyTextIsParsedWithUnits) {
  EXPECT_EQ(RetryAfterFromBody("retry-after: 10.3ms, allowed: 2000/minute"),
            std::chrono::milliseconds(11));
  EXPECT_EQ(RetryAfterFromBody("Retry-After: 2s"), std::chrono::milliseconds(2000));
  EXPECT_EQ(RetryAfterFromBody("retry-after: 1.5"), std::chrono::milliseconds(1500));
  EXPECT_EQ(RetryAfterFromBody("retry-after: 1m"), std::chrono::milliseconds(60000));
  EXPECT_EQ(RetryAfterFromBody("slow down"), std::nullopt);
}

TEST(RegistryError, ParseRegistryErrorsIgnoresBodiesOfOtherShapes) {
  EXPECT_TRUE(ParseRegistryErrors("<html>502</html>").empty());
  EXPECT_TRUE(ParseRegistryErrors(R"({"errors":"x"})").empty());
  auto e = ParseRegistryErrors(Errors("DENIED", "no", R"({"big":"object"})"));
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].code, "DENIED");
  EXPECT_EQ(e[0].detail, "") << "non-string details are left out of messages";
}

TEST(RegistryError, OkHasNoReason) { EXPECT_EQ(ConditionReasonFor(Status::Ok()), ""); }

}  // namespace
}  // namespace spaceport::oci
