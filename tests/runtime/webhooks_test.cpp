// Webhook parsing: signatures and secrets decide whether anything happens at all, then the
// payloads of GitHub (push, package) and the Hub decide what is enqueued. Payloads follow the
// shapes GitHub and the Hub document; every case also checks that no rejection message repeats
// the secret or the signature it expected.
#include "runtime/webhooks.h"

#include <cctype>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/digest.h"

namespace spaceport::runtime {
namespace {

constexpr char kSecret[] = "It's a Secret to Everybody";

// How a test request is signed.
enum class Sign { kValid, kUppercaseHex, kWrongSecret, kMissing, kOtherBody, kSha1Prefix };

struct GithubCase {
  std::string name;
  std::string event;  // X-GitHub-Event; "" = header absent
  std::string body;
  Sign sign = Sign::kValid;
  StatusCode code = StatusCode::kOk;
  std::string ignored;  // a substring of WebhookTrigger::ignored; "" = must not be ignored
  std::vector<std::string> repositories;
  std::string ref;
  std::vector<std::string> images;
  std::string tag;
  std::string content_type = "application/json";
};
void PrintTo(const GithubCase& c, std::ostream* os) { *os << c.name; }

std::string Uppercase(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

http::Headers GithubHeaders(const GithubCase& c) {
  http::Headers h;
  h.Add("Content-Type", c.content_type);
  if (!c.event.empty()) h.Add("X-GitHub-Event", c.event);
  h.Add("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  const std::string good = GithubSignature(kSecret, c.body);
  switch (c.sign) {
    case Sign::kValid: h.Add("X-Hub-Signature-256", good); break;
    case Sign::kUppercaseHex: h.Add("X-Hub-Signature-256", "sha256=" + Uppercase(good.substr(7))); break;
    case Sign::kWrongSecret: h.Add("X-Hub-Signature-256", GithubSignature("not the secret", c.body)); break;
    case Sign::kMissing: break;
    case Sign::kOtherBody: h.Add("X-Hub-Signature-256", GithubSignature(kSecret, c.body + " ")); break;
    case Sign::kSha1Prefix: h.Add("X-Hub-Signature-256", "sha1=" + good.substr(7)); break;
  }
  return h;
}

// Nothing secret in what goes back to the sender.
void ExpectNoSecretIn(const Status& s, const std::string& body) {
  EXPECT_EQ(s.message().find(kSecret), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find(HmacSha256Hex(kSecret, body)), std::string::npos) << s.message();
}

// `want` is a substring of why the trigger was ignored; "" means it must not be ignored.
void ExpectIgnored(const WebhookTrigger& t, const std::string& want) {
  if (want.empty()) {
    EXPECT_EQ(t.ignored, "");
  } else {
    EXPECT_NE(t.ignored.find(want), std::string::npos) << t.ignored;
  }
}

const char kPush[] = R"({"ref":"refs/heads/main","before":"0000","after":"9fceb02d",
  "repository":{"id":1,"name":"deploy","full_name":"acme/deploy",
    "clone_url":"https://github.com/acme/deploy.git","html_url":"https://github.com/acme/deploy",
    "ssh_url":"git@github.com:acme/deploy.git","git_url":"git://github.com/acme/deploy.git"},
  "pusher":{"name":"octocat"}})";

const char kPackagePublished[] = R"({"action":"published","package":{"id":7,"name":"tools",
  "namespace":"acme","package_type":"CONTAINER","owner":{"login":"Acme","type":"Organization"},
  "package_version":{"version":"sha256:2b5c","container_metadata":{"tag":{"name":"1.2.0",
  "digest":"sha256:2b5c"}}},"registry":{"name":"GitHub CONTAINER registry","url":"https://ghcr.io",
  "type":"docker"}},"sender":{"login":"octocat"}})";

const char kPackageUpdatedTopLevelRegistry[] = R"({"action":"updated","package":{"name":"tools",
  "namespace":"acme","package_type":"container","package_version":{"container_metadata":{"tag":
  {"name":"1.2.1","digest":"sha256:9f"}}}},"registry":{"url":"https://ghcr.io"}})";

const char kPackageNameWithOwner[] = R"({"action":"published","package":{"name":"acme/tools",
  "package_type":"container","owner":{"login":"acme"},"package_version":{"container_metadata":
  {"tag":{"name":"2.0.0"}}}}})";

const char kPackageDeleted[] = R"({"action":"deleted","package":{"name":"tools",
  "package_type":"container","owner":{"login":"acme"}}})";

const char kNpmPackage[] = R"({"action":"published","package":{"name":"tools","package_type":"npm",
  "owner":{"login":"acme"},"package_version":{"version":"1.2.0"}}})";

const char kRegistryPackage[] = R"({"action":"published","registry_package":{"name":"tools",
  "package_type":"CONTAINER","owner":{"login":"acme"},"package_version":{"container_metadata":
  {"tag":{"name":"latest","digest":"sha256:aa"}}},"registry":{"url":"https://ghcr.io"}}})";

std::string FormEncoded(const std::string& json) {
  std::string out = "payload=";
  for (char c : json) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

const std::vector<std::string> kPushRepositories = {
    "https://github.com/acme/deploy.git", "https://github.com/acme/deploy",
    "git@github.com:acme/deploy.git", "git://github.com/acme/deploy.git", "acme/deploy"};

class GithubWebhookTest : public ::testing::TestWithParam<GithubCase> {};

TEST_P(GithubWebhookTest, VerifiesThenParses) {
  const GithubCase& c = GetParam();
  WebhookTrigger t = ParseGithubWebhook(GithubHeaders(c), c.body, kSecret);
  ASSERT_EQ(t.status.code(), c.code) << t.status.ToString();
  ExpectNoSecretIn(t.status, c.body);
  if (c.code != StatusCode::kOk) {
    EXPECT_FALSE(t.status.message().empty());
    EXPECT_TRUE(t.repositories.empty());
    EXPECT_TRUE(t.images.empty());
    return;
  }
  EXPECT_EQ(t.event, c.event);
  ExpectIgnored(t, c.ignored);
  EXPECT_EQ(t.repositories, c.repositories);
  EXPECT_EQ(t.ref, c.ref);
  EXPECT_EQ(t.images, c.images);
  EXPECT_EQ(t.image_tag, c.tag);
  EXPECT_TRUE(t.spaces.empty());
}

GithubCase Case(std::string name, std::string event, std::string body) {
  GithubCase c;
  c.name = std::move(name);
  c.event = std::move(event);
  c.body = std::move(body);
  return c;
}
GithubCase Rejects(GithubCase c, Sign sign, StatusCode code) {
  c.sign = sign;
  c.code = code;
  return c;
}
GithubCase Ignores(GithubCase c, std::string why) {
  c.ignored = std::move(why);
  return c;
}
GithubCase Pushes(GithubCase c) {
  c.repositories = kPushRepositories;
  c.ref = "refs/heads/main";
  return c;
}
GithubCase Publishes(GithubCase c, std::string image, std::string tag) {
  c.images = {std::move(image)};
  c.tag = std::move(tag);
  return c;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GithubWebhookTest,
    ::testing::Values(
        Ignores(Case("a_ping_with_a_valid_signature_is_accepted_and_triggers_nothing", "ping",
                     R"({"zen":"Keep it logically awesome.","hook_id":1})"),
                "ping"),
        Pushes(Case("a_push_yields_every_url_form_of_the_repository_and_the_ref", "push", kPush)),
        [] {
          GithubCase c = Pushes(Case("hex_digits_of_the_signature_may_be_uppercase", "push", kPush));
          c.sign = Sign::kUppercaseHex;
          return c;
        }(),
        [] {
          GithubCase c = Pushes(Case("a_form_encoded_payload_is_read_from_its_payload_field", "push",
                                     FormEncoded(kPush)));
          c.content_type = "application/x-www-form-urlencoded";
          return c;
        }(),
        Rejects(Case("a_signature_made_with_another_secret_is_unauthenticated", "push", kPush),
                Sign::kWrongSecret, StatusCode::kUnauthenticated),
        Rejects(Case("a_missing_signature_header_is_unauthenticated", "push", kPush), Sign::kMissing,
                StatusCode::kUnauthenticated),
        Rejects(Case("a_signature_over_a_different_body_is_unauthenticated", "push", kPush),
                Sign::kOtherBody, StatusCode::kUnauthenticated),
        Rejects(Case("a_sha1_prefix_is_unauthenticated", "push", kPush), Sign::kSha1Prefix,
                StatusCode::kUnauthenticated),
        Rejects(Case("a_bad_signature_is_checked_before_the_body_is_parsed", "push", "{not json"),
                Sign::kWrongSecret, StatusCode::kUnauthenticated),
        Rejects(Case("malformed_json_with_a_valid_signature_is_invalid", "push", "{\"ref\": "),
                Sign::kValid, StatusCode::kInvalidArgument),
        Rejects(Case("a_json_array_body_is_invalid", "push", "[1,2]"), Sign::kValid,
                StatusCode::kInvalidArgument),
        Rejects(Case("a_missing_event_header_is_invalid", "", kPush), Sign::kValid,
                StatusCode::kInvalidArgument),
        Rejects(Case("a_push_without_a_repository_is_invalid", "push", R"({"ref":"refs/heads/main"})"),
                Sign::kValid, StatusCode::kInvalidArgument),
        Publishes(Case("a_published_container_package_names_the_ghcr_image_and_tag", "package",
                       kPackagePublished),
                  "ghcr.io/acme/tools", "1.2.0"),
        Publishes(Case("an_updated_package_with_the_registry_at_the_top_level_uses_the_namespace",
                       "package", kPackageUpdatedTopLevelRegistry),
                  "ghcr.io/acme/tools", "1.2.1"),
        Publishes(Case("a_package_name_that_already_holds_the_owner_is_not_prefixed_twice",
                       "package", kPackageNameWithOwner),
                  "ghcr.io/acme/tools", "2.0.0"),
        Publishes(Case("the_older_registry_package_event_is_read_the_same_way", "registry_package",
                       kRegistryPackage),
                  "ghcr.io/acme/tools", "latest"),
        Ignores(Case("a_deleted_package_is_ignored", "package", kPackageDeleted), "deleted"),
        Ignores(Case("a_package_that_is_not_a_container_is_ignored", "package", kNpmPackage), "npm"),
        Ignores(Case("an_event_spaceport_does_not_use_is_ignored", "issues", R"({"action":"opened"})"),
                "issues")),
    [](const auto& param_info) { return param_info.param.name; });

TEST(GithubWebhook, SignatureMatchesGithubsDocumentedExample) {
  // The example from GitHub's "Validating webhook deliveries" page.
  EXPECT_EQ(GithubSignature("It's a Secret to Everybody", "Hello, World!"),
            "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
}

TEST(GithubWebhook, AReceiverWithoutASecretAcceptsNothing) {
  GithubCase c = Case("", "push", kPush);
  http::Headers h = GithubHeaders(c);
  h.Set("X-Hub-Signature-256", GithubSignature("", c.body));  // signed with the empty secret
  EXPECT_EQ(ParseGithubWebhook(h, c.body, "").status.code(), StatusCode::kUnauthenticated);
}

enum class HubSecret { kRight, kWrong, kMissing };

struct HubCase {
  std::string name;
  HubSecret secret;
  std::string body;
  StatusCode code;
  std::string event;
  std::string ignored;  // substring; "" = not ignored
  std::vector<std::string> spaces;
  bool config_changed;
};
void PrintTo(const HubCase& c, std::ostream* os) { *os << c.name; }

std::string HubBody(const std::string& type, const std::string& scope, const std::string& action = "update") {
  return R"({"event":{"action":")" + action + R"(","scope":")" + scope +
         R"("},"repo":{"type":")" + type +
         R"(","name":"acme/tools","id":"6571b2e5","private":false,"url":{"web":"https://huggingface.co/spaces/acme/tools"},"headSha":"c379e821c9c95d613899e8c4343e4bfee2b0c1f6"},"webhook":{"id":"6572f3a1","version":3}})";
}

class HubWebhookTest : public ::testing::TestWithParam<HubCase> {};

TEST_P(HubWebhookTest, ChecksTheSecretThenParses) {
  const HubCase& c = GetParam();
  http::Headers h;
  h.Add("Content-Type", "application/json");
  if (c.secret == HubSecret::kRight) h.Add("X-Webhook-Secret", kSecret);
  if (c.secret == HubSecret::kWrong) h.Add("X-Webhook-Secret", "It's a Secret to Nobody");
  WebhookTrigger t = ParseHubWebhook(h, c.body, kSecret);
  ASSERT_EQ(t.status.code(), c.code) << t.status.ToString();
  ExpectNoSecretIn(t.status, c.body);
  if (c.code != StatusCode::kOk) {
    EXPECT_TRUE(t.spaces.empty());
    return;
  }
  EXPECT_EQ(t.event, c.event);
  ExpectIgnored(t, c.ignored);
  EXPECT_EQ(t.spaces, c.spaces);
  EXPECT_EQ(t.config_changed, c.config_changed);
  EXPECT_TRUE(t.repositories.empty());
  EXPECT_TRUE(t.images.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HubWebhookTest,
    ::testing::Values(
        HubCase{"a_space_content_update_enqueues_the_space_without_rereading_settings",
                HubSecret::kRight, HubBody("space", "repo.content"), StatusCode::kOk,
                "hub:repo.content", "", {"acme/tools"}, false},
        HubCase{"a_space_config_update_marks_its_settings_to_be_reread", HubSecret::kRight,
                HubBody("space", "repo.config"), StatusCode::kOk, "hub:repo.config", "",
                {"acme/tools"}, true},
        HubCase{"a_deleted_space_is_enqueued_with_everything_reread", HubSecret::kRight,
                HubBody("space", "repo", "delete"), StatusCode::kOk, "hub:repo", "", {"acme/tools"},
                true},
        HubCase{"a_wrong_secret_is_unauthenticated", HubSecret::kWrong,
                HubBody("space", "repo.content"), StatusCode::kUnauthenticated, "", "", {}, false},
        HubCase{"a_missing_secret_header_is_unauthenticated", HubSecret::kMissing,
                HubBody("space", "repo.content"), StatusCode::kUnauthenticated, "", "", {}, false},
        HubCase{"a_wrong_secret_is_checked_before_the_body_is_parsed", HubSecret::kWrong, "{oops",
                StatusCode::kUnauthenticated, "", "", {}, false},
        HubCase{"a_model_repo_is_ignored", HubSecret::kRight, HubBody("model", "repo.content"),
                StatusCode::kOk, "hub:repo.content", "model", {}, false},
        HubCase{"a_discussion_on_a_space_is_ignored", HubSecret::kRight,
                HubBody("space", "discussion.comment", "create"), StatusCode::kOk,
                "hub:discussion.comment", "discussion", {}, false},
        HubCase{"malformed_json_with_the_right_secret_is_invalid", HubSecret::kRight, "{\"event\":",
                StatusCode::kInvalidArgument, "", "", {}, false},
        HubCase{"a_body_without_repo_is_invalid", HubSecret::kRight,
                R"({"event":{"action":"update","scope":"repo.content"}})",
                StatusCode::kInvalidArgument, "", "", {}, false}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(HubWebhook, AReceiverWithoutASecretAcceptsNothing) {
  http::Headers h;
  h.Add("X-Webhook-Secret", "");
  EXPECT_EQ(ParseHubWebhook(h, HubBody("space", "repo.content"), "").status.code(),
            StatusCode::kUnauthenticated);
}

struct EqualsCase {
  std::string name;
  std::string a, b;
  bool equal;
};
void PrintTo(const EqualsCase& c, std::ostream* os) { *os << c.name; }

class ConstantTimeEqualsTest : public ::testing::TestWithParam<EqualsCase> {};

TEST_P(ConstantTimeEqualsTest, AgreesWithPlainEquality) {
  EXPECT_EQ(ConstantTimeEquals(GetParam().a, GetParam().b), GetParam().equal);
  EXPECT_EQ(ConstantTimeEquals(GetParam().b, GetParam().a), GetParam().equal);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConstantTimeEqualsTest,
    ::testing::Values(EqualsCase{"identical_strings_are_equal", "sha256=abc", "sha256=abc", true},
                      EqualsCase{"a_difference_in_the_last_byte_is_seen", "sha256=abc", "sha256=abd", false},
                      EqualsCase{"a_prefix_is_not_equal", "sha256=ab", "sha256=abc", false},
                      EqualsCase{"a_trailing_nul_is_not_equal", std::string("abc\0", 4), "abc", false},
                      EqualsCase{"two_empty_strings_are_equal", "", "", true},
                      EqualsCase{"empty_and_non_empty_differ", "", "x", false}),
    [](const auto& param_info) { return param_info.param.name; });

// --- /hooks/generic -------------------------------------------------------------------------

enum class GenericSignature { kRight, kWrong, kMissing, kOfAnotherBody };

struct GenericCase {
  std::string name;
  GenericSignature signature;
  std::string body;
  StatusCode code;
  std::string error;  // substring of the rejection; "" when accepted
  std::vector<std::string> deployments, images, spaces;
};
void PrintTo(const GenericCase& c, std::ostream* os) { *os << c.name; }

class GenericWebhookTest : public ::testing::TestWithParam<GenericCase> {};

TEST_P(GenericWebhookTest, ChecksTheSignatureThenReadsWhatToReconcile) {
  const GenericCase& c = GetParam();
  http::Headers h;
  h.Add("Content-Type", "application/json");
  if (c.signature == GenericSignature::kRight) h.Add("X-Signature", GithubSignature(kSecret, c.body));
  if (c.signature == GenericSignature::kWrong) h.Add("X-Signature", GithubSignature("not the secret", c.body));
  if (c.signature == GenericSignature::kOfAnotherBody) h.Add("X-Signature", GithubSignature(kSecret, c.body + " "));
  WebhookTrigger t = ParseGenericWebhook(h, c.body, kSecret);
  ASSERT_EQ(t.status.code(), c.code) << t.status.ToString();
  ExpectNoSecretIn(t.status, c.body);
  EXPECT_NE(t.status.message().find(c.error), std::string::npos) << t.status.message();
  if (c.code != StatusCode::kOk) {
    EXPECT_TRUE(t.deployments.empty() && t.images.empty() && t.spaces.empty());
    return;
  }
  EXPECT_EQ(t.event, "generic");
  EXPECT_EQ(t.deployments, c.deployments);
  EXPECT_EQ(t.images, c.images);
  EXPECT_EQ(t.spaces, c.spaces);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GenericWebhookTest,
    ::testing::Values(
        GenericCase{"named_deployments_images_and_spaces_are_triggered_once_each", GenericSignature::kRight,
                    R"({"deployments":["team/app","team/app"],"images":["ghcr.io/acme/app"],"spaces":["acme/demo"]})",
                    StatusCode::kOk, "", {"team/app"}, {"ghcr.io/acme/app"}, {"acme/demo"}},
        GenericCase{"a_wrong_signature_is_unauthenticated", GenericSignature::kWrong, R"({"deployments":["team/app"]})",
                    StatusCode::kUnauthenticated, "X-Signature does not match", {}, {}, {}},
        GenericCase{"a_signature_of_another_body_is_unauthenticated", GenericSignature::kOfAnotherBody,
                    R"({"deployments":["team/app"]})", StatusCode::kUnauthenticated, "does not match", {}, {}, {}},
        GenericCase{"a_missing_signature_is_unauthenticated", GenericSignature::kMissing,
                    R"({"deployments":["team/app"]})", StatusCode::kUnauthenticated, "missing X-Signature", {}, {}, {}},
        GenericCase{"the_signature_is_checked_before_the_body_is_parsed", GenericSignature::kWrong, "{oops",
                    StatusCode::kUnauthenticated, "", {}, {}, {}},
        GenericCase{"malformed_json_is_invalid", GenericSignature::kRight, "{\"deployments\":",
                    StatusCode::kInvalidArgument, "not JSON", {}, {}, {}},
        GenericCase{"a_body_naming_nothing_is_invalid", GenericSignature::kRight, "{}",
                    StatusCode::kInvalidArgument, "name what to reconcile", {}, {}, {}},
        GenericCase{"an_array_body_is_invalid", GenericSignature::kRight, R"(["team/app"])",
                    StatusCode::kInvalidArgument, "JSON object", {}, {}, {}},
        GenericCase{"a_deployment_without_namespace_is_invalid_naming_the_entry", GenericSignature::kRight,
                    R"({"deployments":["team/app","app"]})", StatusCode::kInvalidArgument,
                    "deployments[1] must be NAMESPACE/NAME", {}, {}, {}},
        GenericCase{"an_image_with_a_tag_is_invalid", GenericSignature::kRight, R"({"images":["ghcr.io/acme/app:v1"]})",
                    StatusCode::kInvalidArgument, "images[0] must be an image repository without tag", {}, {}, {}},
        GenericCase{"a_number_where_a_name_belongs_is_invalid", GenericSignature::kRight, R"({"spaces":[7]})",
                    StatusCode::kInvalidArgument, "spaces[0] must be a string", {}, {}, {}},
        GenericCase{"a_string_where_a_list_belongs_is_invalid", GenericSignature::kRight, R"({"spaces":"acme/demo"})",
                    StatusCode::kInvalidArgument, "\"spaces\" must be an array", {}, {}, {}}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(GenericWebhook, AReceiverWithoutASecretAcceptsNothing) {
  const std::string body = R"({"deployments":["team/app"]})";
  http::Headers h;
  h.Add("X-Signature", GithubSignature("", body));
  EXPECT_EQ(ParseGenericWebhook(h, body, "").status.code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace spaceport::runtime

