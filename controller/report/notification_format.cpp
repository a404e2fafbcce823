// The two bodies a notification is posted as (notifier.h; documented in docs/notifications.md).
#include "report/notifier.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace spaceport::report {
namespace {

const char* Severity(NotificationEvent e) {
  switch (e) {
    case NotificationEvent::kDriftFound: return "warning";
    case NotificationEvent::kDeployFailed: return "error";
    case NotificationEvent::kDriftCorrected:
    case NotificationEvent::kDeploySucceeded: return "info";
  }
  return "info";
}

// Slack treats &, < and > as control characters in text; everything else is literal.
std::string SlackText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

// Values from the world can be long (a Dockerfile) or hold newlines; a section's text is capped
// at 3,000 characters by Slack, so each value is shown on one line and cut.
constexpr size_t kMaxSlackValue = 200;
constexpr size_t kMaxSlackDriftItems = 10;

std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r') ? ' ' : c;
  if (out.size() > max) {
    // Cut on a UTF-8 boundary so the body stays valid JSON text for Slack.
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "…";
  }
  return out;
}

// A value in a code span. mrkdwn has no escape for a backtick, so one inside becomes a quote.
std::string SlackCode(std::string_view value) {
  if (value.empty()) return "_empty_";
  std::string text = OneLine(value, kMaxSlackValue);
  std::replace(text.begin(), text.end(), '`', '\'');
  return "`" + SlackText(text) + "`";
}

// <url|label>. A '|' in the URL would end it early, so it is percent-encoded.
std::string SlackLink(std::string_view url, std::string_view label) {
  std::string safe_url;
  for (char c : url) {
    if (c == '|') {
      safe_url += "%7C";
    } else {
      safe_url += c;
    }
  }
  return "<" + SlackText(safe_url) + "|" + SlackText(OneLine(label, kMaxSlackValue)) + ">";
}

Json MrkdwnText(std::string text) {
  Json t = Json::Object();
  t.Append("type", "mrkdwn");
  t.Append("text", std::move(text));
  return t;
}

}  // namespace

const char* to_string(NotificationEvent e) {
  switch (e) {
    case NotificationEvent::kDriftFound: return "DriftFound";
    case NotificationEvent::kDriftCorrected: return "DriftCorrected";
    case NotificationEvent::kDeploySucceeded: return "DeploySucceeded";
    case NotificationEvent::kDeployFailed: return "DeployFailed";
  }
  return "Unknown";
}

Json NotificationToJson(const Notification& n) {
  // Every key is always present (strings may be empty, build may be null), so consumers can
  // rely on the shape; fields are only ever added.
  Json j = Json::Object();
  j.Append("apiVersion", "spaceport.dev/v1alpha1");
  j.Append("kind", "Notification");
  j.Append("event", to_string(n.event));
  j.Append("deployment", n.deployment);
  j.Append("severity", Severity(n.event));
  j.Append("reason", n.reason);
  j.Append("message", n.message);
  j.Append("time", n.time);
  j.Append("revision", n.revision);
  Json image = Json::Object();
  image.Append("ref", n.image_ref);
  image.Append("digest", n.image_digest);
  j.Append("image", std::move(image));
  Json spaces = Json::Array();
  for (const NotifiedSpace& s : n.spaces) {
    Json space = Json::Object();
    space.Append("space", s.space);
    space.Append("url", s.url);
    space.Append("stage", s.stage);
    spaces.Push(std::move(space));
  }
  j.Append("spaces", std::move(spaces));
  if (n.build_url.empty()) {
    j.Append("build", Json());
  } else {
    Json build = Json::Object();
    build.Append("url", n.build_url);
    j.Append("build", std::move(build));
  }
  Json drift = Json::Array();
  for (const plan::DriftItem& d : n.drift) {
    Json item = Json::Object();
    item.Append("target", d.target);
    item.Append("field", d.field);
    item.Append("desired", d.desired);
    item.Append("observed", d.observed);
    drift.Push(std::move(item));
  }
  j.Append("drift", std::move(drift));
  return j;
}

Json NotificationToSlack(const Notification& n) {
  const std::string event = to_string(n.event);
  std::string fallback = event + " " + n.deployment;
  if (!n.message.empty()) fallback += ": " + OneLine(n.message, kMaxSlackValue);

  std::string section = "*" + event + "* " + SlackCode(n.deployment);
  if (!n.message.empty()) section += ": " + SlackText(OneLine(n.message, kMaxSlackValue));
  if (!n.image_ref.empty() || !n.image_digest.empty()) {
    section += "\n*Image* " + SlackCode(n.image_ref);
    if (!n.image_digest.empty()) section += " " + SlackCode(n.image_digest);
  }
  for (const NotifiedSpace& s : n.spaces) {
    section += "\n*Space* " + (s.url.empty() ? SlackCode(s.space) : SlackLink(s.url, s.space));
    if (!s.stage.empty()) section += " " + SlackText(OneLine(s.stage, kMaxSlackValue));
  }
  if (!n.build_url.empty()) section += "\n*Build* " + SlackLink(n.build_url, "build run");
  if (!n.drift.empty()) {
    section += "\n*Drift*";
    const size_t shown = std::min(n.drift.size(), kMaxSlackDriftItems);
    for (size_t i = 0; i < shown; ++i) {
      const plan::DriftItem& d = n.drift[i];
      section += "\n• " + SlackCode(d.target) + " " + SlackCode(d.field) + " is " +
                 SlackCode(d.observed) + ", want " + SlackCode(d.desired);
    }
    if (n.drift.size() > shown)
      section += "\n…and " + std::to_string(n.drift.size() - shown) + " more";
  }

  std::string context = "Spaceport";
  if (!n.reason.empty()) context += " · " + SlackText(OneLine(n.reason, kMaxSlackValue));
  if (!n.revision.empty()) context += " · revision " + SlackCode(n.revision);
  if (!n.time.empty()) context += " · " + SlackText(n.time);

  Json section_block = Json::Object();
  section_block.Append("type", "section");
  section_block.Append("text", MrkdwnText(std::move(section)));
  Json context_elements = Json::Array();
  context_elements.Push(MrkdwnText(std::move(context)));
  Json context_block = Json::Object();
  context_block.Append("type", "context");
  context_block.Append("elements", std::move(context_elements));
  Json blocks = Json::Array();
  blocks.Push(std::move(section_block));
  blocks.Push(std::move(context_block));

  Json body = Json::Object();
  body.Append("text", SlackText(fallback));
  body.Append("blocks", std::move(blocks));
  return body;
}

}  // namespace spaceport::report
