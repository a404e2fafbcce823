// Feeds: arbitrary bytes as a webhook request to runtime::ParseGithubWebhook, ParseHubWebhook or
// ParseGenericWebhook. Input layout: byte 0 picks the receiver (bit 2 generic, else bit 0 Hub or
// GitHub) and whether the request is correctly signed (bit 1); then header lines "Name: value" up
// to an empty line; the rest is the body. When "signed", the target adds the right
// X-Hub-Signature-256 (GitHub), X-Webhook-Secret (Hub) or X-Signature (generic), so the fuzzer
// reaches the payload parsers (JSON body, form-encoded `payload`, push/package/Hub/generic events).
// Checks beyond "no crash": an unsigned request is always refused with kUnauthenticated and
// triggers nothing; a trigger that is ok and not ignored names something to do (repositories,
// images, spaces or deployments); no message contains the secret or the expected signature.
#include <string>

#include "runtime/webhooks.h"
#include "support/fuzz_check.h"

namespace {
const std::string kSecret = "fuzz-webhook-secret-3f9a";
}

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, size_t size) {
  using namespace spaceport;
  using namespace spaceport::runtime;
  if (size == 0) return 0;
  const bool generic = data[0] & 4;
  const bool hub = !generic && (data[0] & 1);
  const bool sign = data[0] & 2;
  std::string_view rest = FuzzText(data + 1, size - 1);
  http::Headers headers;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    headers.Add(std::string(line.substr(0, colon)), std::string(value));
  }
  const std::string body(rest);
  const std::string header = generic ? "X-Signature" : hub ? "X-Webhook-Secret" : "X-Hub-Signature-256";
  headers.Remove(header);  // only the target signs
  if (sign) headers.Add(header, hub ? kSecret : GithubSignature(kSecret, body));
  const WebhookTrigger t = generic ? ParseGenericWebhook(headers, body, kSecret)
                           : hub   ? ParseHubWebhook(headers, body, kSecret)
                                   : ParseGithubWebhook(headers, body, kSecret);
  if (!sign) {
    FUZZ_CHECK(t.status.code() == StatusCode::kUnauthenticated, "unsigned is 401");
    FUZZ_CHECK(t.repositories.empty() && t.images.empty() && t.spaces.empty() && t.deployments.empty(),
               "unsigned triggers nothing");
  }
  if (t.status.ok() && t.ignored.empty())
    FUZZ_CHECK(!t.repositories.empty() || !t.images.empty() || !t.spaces.empty() || !t.deployments.empty(),
               "a trigger names work");
  FUZZ_CHECK(t.status.message().find(kSecret) == std::string::npos, "secret not in messages");
  FUZZ_CHECK(t.status.message().find(GithubSignature(kSecret, body).substr(7)) == std::string::npos,
             "expected signature not in messages");
  return 0;
}
