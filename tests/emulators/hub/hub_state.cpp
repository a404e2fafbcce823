// HubState: repos and commits (see hub_state.h).
#include "emulators/hub/hub_state.h"

#include <algorithm>
#include <regex>

#include "emulators/hub/hardware.h"
#include "emulators/hub/responses.h"
#include "emulators/hub/seed_files.h"
#include "emulators/hub/time_format.h"

namespace spaceport::hub_emulator {
namespace {

bool ValidRepoName(const std::string& name) {
  static const std::regex kName(R"([A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?)");
  return name.size() <= 96 && std::regex_match(name, kName) &&
         name.find("--") == std::string::npos && name.find("..") == std::string::npos;
}

bool ValidFilePath(const std::string& path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') return false;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    const std::string segment = path.substr(pos, end - pos);
    if (segment.empty() || segment == "." || segment == ".." || (pos == 0 && segment == ".git")) {
      return false;
    }
    pos = end + 1;
  }
  return true;
}

std::string CommitMessage(const CommitDraft& draft) {
  std::string message = draft.summary + "\n";
  if (!draft.description.empty()) message += "\n" + draft.description + "\n";
  return message;
}

}  // namespace

Json RequestCounts::ToJson() const {
  Json routes = Json::Object();
  for (const auto& [route, n] : by_route) routes.Set(route, Json(n));
  Json repos = Json::Object();
  for (const auto& [repo, n] : by_repo) repos.Set(repo, Json(n));
  Json out = Json::Object();
  out.Set("total", Json(total));
  out.Set("by_route", std::move(routes));
  out.Set("by_repo", std::move(repos));
  return out;
}

HubState::HubState(Options opts, Clock& clk, std::unique_ptr<ImageProbe> probe)
    : options(std::move(opts)),
      clock(clk),
      base_url(options.base_url),
      tokens(options.tokens),
      budget(options.window),
      probe_(std::move(probe)),
      checker_(std::make_unique<BuildChecker>(*probe_)) {
  // OpenSSL initialises itself on first use and leaves per-thread state on the thread that did
  // it. Hashing once here keeps that off the server's pool threads, which outlive main() and
  // would make LeakSanitizer report the state as leaked.
  (void)Sha1Hex("");
}

HubState::~HubState() { checker_.reset(); }

Repo* HubState::Find(const RepoId& id) {
  auto it = repos.find(id.Key());
  return it == repos.end() ? nullptr : &it->second;
}

OrError<Repo*> HubState::Create(const CreateRequest& request, const std::string& author,
                                Clock::TimePoint now) {
  const RepoId& id = request.id;
  if (!ValidRepoName(id.name)) {
    return BadRequest("Repo name must use alphanumeric chars or '-', '_', '.', '--' and '..' are "
                      "forbidden, '-' and '.' cannot start or end the name, max length is 96.");
  }
  if (Find(id)) {
    Json extra = Json::Object();
    extra.Set("url", Json(base_url + "/" + id.FilePrefix()));
    return HubError(409, "", "You already created this " + std::string(Singular(id.type)) + " repo",
                    std::move(extra));
  }
  std::string sdk = request.sdk;
  if (id.type == RepoType::kSpace) {
    if (sdk.empty()) return BadRequest("sdk is required when creating a space");
    if (sdk != "docker" && sdk != "gradio" && sdk != "static" && sdk != "streamlit") {
      return BadRequest("Invalid sdk \"" + sdk + "\": must be one of docker, gradio, static, streamlit");
    }
    if (request.hardware && !IsKnownFlavor(*request.hardware)) {
      return BadRequest("Invalid hardware \"" + *request.hardware + "\"");
    }
  }
  Repo repo;
  repo.id = id;
  repo.object_id = ObjectIdFor("repo:" + id.Key() + ":" + std::to_string(next_repo_serial_++));
  repo.is_private = request.is_private;
  repo.sdk = id.type == RepoType::kSpace ? sdk : "";
  repo.created = now;
  repo.variables = request.variables;
  repo.secrets = request.secrets;
  for (auto* settings : {&repo.variables, &repo.secrets}) {
    for (auto& [key, setting] : *settings) setting.updated = now;
  }
  if (id.type == RepoType::kSpace) {
    repo.runtime = SpaceRuntime(request.hardware.value_or("cpu-basic"));
    if (request.sleep_time) repo.runtime.SetSleepTime(*request.sleep_time);
  }

  Commit first;
  first.title = "initial commit";
  first.author = author;
  first.date = now;
  first.files = SeedFiles(id, sdk);
  for (const auto& [path, content] : request.files) first.files[path] = content;
  first.id = GitCommitId({GitTreeId(first.files, ""), "", author, EpochSeconds(now), "initial commit\n"});
  repo.commits.push_back(std::move(first));

  Repo& stored = repos[id.Key()] = std::move(repo);
  if (id.type == RepoType::kSpace) Rebuild(stored, now, /*even_if_paused=*/true);
  return &stored;
}

bool HubState::Delete(const RepoId& id) { return repos.erase(id.Key()) > 0; }

OrError<const Commit*> HubState::AddCommit(Repo& repo, const CommitDraft& draft,
                                           const std::string& author, Clock::TimePoint now) {
  const Commit& head = repo.head();
  if (!draft.parent_commit.empty()) {
    const Commit* parent = repo.Resolve(draft.parent_commit);
    if (!parent || parent->id != head.id) {
      return HubError(412, "", "A commit has happened since. Please refresh and try again.");
    }
  }
  FileMap files = head.files;
  for (const FileChange& change : draft.changes) {
    std::string path = change.path;
    if (change.kind == FileChange::Kind::kDeleteFolder && !path.empty() && path.back() == '/') {
      path.pop_back();  // Python sends folders as "static/"
    }
    if (!ValidFilePath(path) || (!change.old_path.empty() && !ValidFilePath(change.old_path))) {
      return BadRequest("Invalid path \"" + change.path + "\"");
    }
    switch (change.kind) {
      case FileChange::Kind::kPut:
        if (change.content.size() > kMaxRegularFileBytes) {
          return BadRequest("Your push was rejected because it contains files larger than 10 MiB. "
                            "Please use https://git-lfs.github.com/ to store large files.");
        }
        if (!change.old_path.empty() && files.erase(change.old_path) == 0) {
          return EntryNotFound("A file with this name doesn't exist: " + change.old_path);
        }
        files[change.path] = MakeBlob(change.content);
        break;
      case FileChange::Kind::kDelete:
        if (files.erase(change.path) == 0) {
          return EntryNotFound("A file with this name doesn't exist: " + change.path);
        }
        break;
      case FileChange::Kind::kDeleteFolder: {
        const std::string prefix = path + "/";
        for (auto it = files.lower_bound(prefix); it != files.end() && it->first.rfind(prefix, 0) == 0;) {
          it = files.erase(it);
        }
        break;
      }
    }
  }
  Commit commit;
  commit.parent = head.id;
  commit.title = draft.summary;
  commit.description = draft.description;
  commit.author = author;
  commit.date = now;
  commit.files = std::move(files);
  commit.id = GitCommitId(
      {GitTreeId(commit.files, ""), commit.parent, author, EpochSeconds(now), CommitMessage(draft)});
  repo.commits.push_back(std::move(commit));
  if (repo.id.type == RepoType::kSpace) Rebuild(repo, now, /*even_if_paused=*/false);
  return &repo.head();
}

void HubState::SettleAll(Clock::TimePoint now) {
  for (auto& [key, repo] : repos) {
    if (repo.id.type == RepoType::kSpace) repo.runtime.Settle(now);
  }
}

std::string HubState::SpaceHost(const Repo& space) const {
  if (options.serve_apps) return base_url + "/__emulator/apps/" + space.id.Full();
  return "https://" + space.id.Subdomain() + ".hf.space";
}

}  // namespace spaceport::hub_emulator
