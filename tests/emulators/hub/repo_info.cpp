#include "emulators/hub/repo_info.h"

#include <algorithm>
#include <array>

#include "emulators/hub/front_matter.h"
#include "emulators/hub/identity.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

// The union of what the Hub accepts for models, datasets and Spaces (Python's and JS's lists).
constexpr std::array<std::string_view, 24> kExpandable = {
    "author",       "cardData",   "createdAt", "datasets",      "disabled", "downloads",
    "gated",        "gitalyUid",  "host",      "lastModified",  "likes",    "models",
    "private",      "region",     "resourceGroup", "runtime",   "sdk",      "sha",
    "siblings",     "subdomain",  "tags",      "trendingScore", "usedStorage", "xetEnabled"};

constexpr std::array<std::string_view, 18> kSpaceDefaults = {
    "author", "sha", "lastModified", "createdAt", "private", "gated", "disabled",
    "host", "subdomain", "likes", "sdk", "tags", "models", "datasets", "cardData",
    "siblings", "runtime", "xetEnabled"};

constexpr std::array<std::string_view, 13> kRepoDefaults = {
    "author", "sha", "lastModified", "createdAt", "private", "gated", "disabled",
    "likes", "downloads", "tags", "cardData", "siblings", "xetEnabled"};

struct Facts {
  const HubState& state;
  const Repo& repo;
  const Commit& commit;
  bool blobs;
  FrontMatter card;

  std::string Sdk() const {
    if (card.error.empty() && card.present) {
      if (const Json* sdk = card.data.Find("sdk"); sdk && sdk->is_string()) return sdk->AsString();
    }
    return repo.sdk;
  }
  bool IsSpace() const { return repo.id.type == RepoType::kSpace; }

  // nullopt: the field does not apply (a model's runtime, a card that is not there).
  std::optional<Json> Field(std::string_view name) const {
    if (name == "author") return Json(repo.id.ns);
    if (name == "sha") return Json(commit.id);
    if (name == "lastModified") return Json(IsoTime(commit.date));
    if (name == "createdAt") return Json(IsoTime(repo.created));
    if (name == "private") return Json(repo.is_private);
    if (name == "gated" || name == "disabled") return Json(false);
    if (name == "likes" || name == "downloads" || name == "trendingScore") return Json(0);
    if (name == "xetEnabled") return Json(false);
    if (name == "region") return Json("us");
    if (name == "resourceGroup") return Json(nullptr);
    if (name == "gitalyUid") return Json(ObjectIdFor("gitaly:" + repo.object_id));
    if (name == "models" || name == "datasets") return Json::Array();
    if (name == "usedStorage") {
      int64_t total = 0;
      for (const auto& [path, blob] : commit.files) total += static_cast<int64_t>(blob->size());
      return Json(total);
    }
    if (name == "tags") {
      Json tags = Json::Array();
      if (IsSpace()) tags.Push(Json(Sdk()));
      tags.Push(Json("region:us"));
      return tags;
    }
    if (name == "cardData") {
      if (!card.present || !card.error.empty()) return std::nullopt;
      return card.data;
    }
    if (name == "siblings") {
      Json siblings = Json::Array();
      for (const auto& [path, blob] : commit.files) {
        Json s = Json::Object();
        s.Set("rfilename", Json(path));
        if (blobs) {
          s.Set("size", Json(static_cast<int64_t>(blob->size())));
          s.Set("blobId", Json(GitBlobId(*blob)));
        }
        siblings.Push(std::move(s));
      }
      return siblings;
    }
    if (!IsSpace()) return std::nullopt;
    if (name == "sdk") return Json(Sdk());
    if (name == "subdomain") return Json(repo.id.Subdomain());
    if (name == "host") return Json(state.SpaceHost(repo));
    if (name == "runtime") return repo.runtime.ToJson(repo.id.Subdomain() + ".hf.space");
    return std::nullopt;
  }
};

}  // namespace

OrError<ExpandList> ParseExpand(const http::Server::IncomingRequest& request) {
  std::vector<std::string> fields = request.QueryValues("expand");
  for (std::string& f : request.QueryValues("expand[]")) fields.push_back(std::move(f));
  if (fields.empty()) return ExpandList();
  for (const std::string& f : fields) {
    if (std::find(kExpandable.begin(), kExpandable.end(), f) == kExpandable.end()) {
      std::string allowed;
      for (std::string_view a : kExpandable) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
      return BadRequest("\"expand\" must be one of [" + allowed + "], got \"" + f + "\"");
    }
  }
  return ExpandList(std::move(fields));
}

Json RepoInfoJson(const HubState& state, const Repo& repo, const Commit& commit,
                  const ExpandList& expand, bool blobs) {
  const auto readme = commit.files.find("README.md");
  Facts facts{state, repo, commit, blobs,
              readme == commit.files.end() ? FrontMatter{} : ParseFrontMatter(*readme->second)};
  Json out = Json::Object();
  out.Set("_id", Json(repo.object_id));
  out.Set("id", Json(repo.id.Full()));
  auto add = [&](std::string_view name) {
    if (out.Find(name)) return;
    if (std::optional<Json> value = facts.Field(name)) out.Set(name, *std::move(value));
  };
  if (expand) {
    for (const std::string& name : *expand) add(name);
  } else if (facts.IsSpace()) {
    for (std::string_view name : kSpaceDefaults) add(name);
  } else {
    for (std::string_view name : kRepoDefaults) add(name);
  }
  return out;
}

}  // namespace spaceport::hub_emulator
