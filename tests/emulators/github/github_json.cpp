#include "emulators/github/github_json.h"

#include <openssl/sha.h>

#include <cstdio>
#include <ctime>

namespace spaceport::github_emulator {

http::Response GithubError(int status, std::string_view message, std::string_view doc_path) {
  Json body = Json::Object();
  body.Set("message", Json(message));
  body.Set("documentation_url", Json("https://docs.github.com/" +
                                     std::string(doc_path.empty() ? "rest" : doc_path)));
  body.Set("status", Json(std::to_string(status)));
  return JsonResponse(status, body);
}

int64_t EpochSeconds(Clock::TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string IsoTime(Clock::TimePoint t) {
  const std::time_t seconds = static_cast<std::time_t>(EpochSeconds(t));
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

bool ParseIsoTime(std::string_view text, Clock::TimePoint& out, bool& date_only) {
  std::tm tm{};
  int used = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) != 3 || used != 10) {
    return false;
  }
  date_only = s.size() == 10;
  if (!date_only) {
    int more = 0;
    if (std::sscanf(s.c_str() + 10, "T%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &more) != 3) {
      return false;
    }
    const std::string rest = s.substr(10 + static_cast<size_t>(more));
    if (!rest.empty() && rest != "Z" && rest != "+00:00") return false;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  out = std::chrono::system_clock::from_time_t(timegm(&tm));
  return true;
}

std::string FakeSha(std::string_view seed) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(seed.data()), seed.size(), digest);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : digest) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

Json SimpleUser(const std::string& base, const std::string& login, int64_t id) {
  const std::string api = base + "/users/" + login;
  Json u = Json::Object();
  u.Set("login", Json(login));
  u.Set("id", Json(id));
  u.Set("node_id", Json("U_" + FakeSha(login).substr(0, 12)));
  u.Set("avatar_url", Json(base + "/avatars/" + login));
  u.Set("gravatar_id", Json(""));
  u.Set("url", Json(api));
  u.Set("html_url", Json(base + "/" + login));
  u.Set("followers_url", Json(api + "/followers"));
  u.Set("following_url", Json(api + "/following{/other_user}"));
  u.Set("gists_url", Json(api + "/gists{/gist_id}"));
  u.Set("starred_url", Json(api + "/starred{/owner}{/repo}"));
  u.Set("subscriptions_url", Json(api + "/subscriptions"));
  u.Set("organizations_url", Json(api + "/orgs"));
  u.Set("repos_url", Json(api + "/repos"));
  u.Set("events_url", Json(api + "/events{/privacy}"));
  u.Set("received_events_url", Json(api + "/received_events"));
  u.Set("type", Json("User"));
  u.Set("site_admin", Json(false));
  return u;
}

Json MinimalRepository(const std::string& base, const std::string& full_name, int64_t id) {
  const std::string owner = full_name.substr(0, full_name.find('/'));
  const std::string api = base + "/repos/" + full_name;
  Json r = Json::Object();
  r.Set("id", Json(id));
  r.Set("node_id", Json("R_" + FakeSha(full_name).substr(0, 12)));
  r.Set("name", Json(full_name.substr(full_name.find('/') + 1)));
  r.Set("full_name", Json(full_name));
  r.Set("owner", SimpleUser(base, owner, static_cast<int64_t>(1000 + owner.size())));
  r.Set("private", Json(true));
  r.Set("html_url", Json(base + "/" + full_name));
  r.Set("description", Json(nullptr));
  r.Set("fork", Json(false));
  r.Set("url", Json(api));
  // The URL templates GitHub lists for every repository, in its order.
  static const char* kTemplates[][2] = {
      {"archive_url", "/{archive_format}{/ref}"}, {"assignees_url", "/assignees{/user}"},
      {"blobs_url", "/git/blobs{/sha}"}, {"branches_url", "/branches{/branch}"},
      {"collaborators_url", "/collaborators{/collaborator}"}, {"comments_url", "/comments{/number}"},
      {"commits_url", "/commits{/sha}"}, {"compare_url", "/compare/{base}...{head}"},
      {"contents_url", "/contents/{+path}"}, {"contributors_url", "/contributors"},
      {"deployments_url", "/deployments"}, {"downloads_url", "/downloads"}, {"events_url", "/events"},
      {"forks_url", "/forks"}, {"git_commits_url", "/git/commits{/sha}"}, {"git_refs_url", "/git/refs{/sha}"},
      {"git_tags_url", "/git/tags{/sha}"}, {"hooks_url", "/hooks"},
      {"issue_comment_url", "/issues/comments{/number}"}, {"issue_events_url", "/issues/events{/number}"},
      {"issues_url", "/issues{/number}"}, {"keys_url", "/keys{/key_id}"}, {"labels_url", "/labels{/name}"},
      {"languages_url", "/languages"}, {"merges_url", "/merges"}, {"milestones_url", "/milestones{/number}"},
      {"notifications_url", "/notifications{?since,all,participating}"}, {"pulls_url", "/pulls{/number}"},
      {"releases_url", "/releases{/id}"}, {"stargazers_url", "/stargazers"},
      {"statuses_url", "/statuses/{sha}"}, {"subscribers_url", "/subscribers"},
      {"subscription_url", "/subscription"}, {"tags_url", "/tags"}, {"teams_url", "/teams"},
      {"trees_url", "/git/trees{/sha}"},
  };
  for (const auto& [key, suffix] : kTemplates) r.Set(key, Json(api + suffix));
  return r;
}

}  // namespace spaceport::github_emulator
