// GitSource: desired state from a Git repository — `--source git:URL[#REF][:PATH]` — fetched
// with the git CLI, like Flux's GitRepository.
//
// The clone lives in <cache_dir>/git/<first 16 hex of sha256(URL#REF:PATH)> (URL without its
// userinfo, so a rotated token keeps the cache; PATH too, so two sources reading two folders of
// one branch never share a clone and remove each other's checkouts): a bare repository `repo.git`
// and one detached worktree per fetched commit under `checkouts/`. Each fetch is shallow
// (`git fetch --depth 1 -- URL +REF:refs/spaceport/fetched`, REF defaulting to the remote's HEAD),
// so a repository with a long history costs one commit's tree; the revision is the commit sha
// (`refs/spaceport/fetched^{commit}`, so an annotated tag gives the commit it points to). A new
// commit gets a fresh worktree; the previous one is removed only after Load() has switched over.
//
// Start() fetches once and fails when that fetch fails (bad URL, unknown REF, no access); then a
// thread fetches every `poll_interval`, or at once after RequestFetch() (a push webhook), and
// calls `changed` when the sha moved. A later failed fetch keeps the last good checkout — Load()
// still returns it — and is kept in last_error() until a fetch succeeds. Load() reads
// <checkout>/PATH with spec::LoadPaths and reports files relative to the repository root
// ("spaces/a.yaml:3:1: ..."), not the cache.
//
// Credentials come from git itself: its credential helpers, ssh keys and ~/.gitconfig, or
// userinfo in the URL. git runs with GIT_TERMINAL_PROMPT=0 and no terminal, so a missing
// credential is an error instead of a hung prompt; userinfo never appears in Describe(),
// last_error() or any message.
//
//   GitSource source("https://github.com/acme/deploy", "main", "spaces", options);
//   if (Status s = source.Start([&] { controller.SourceChanged(); }); !s.ok()) die(s);
//   Result<Snapshot> snapshot = source.Load();   // snapshot->revision == "3f2a9c…" (40 hex)
//   source.Matches("acme/deploy", "refs/heads/main");   // true: a push here concerns us
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "runtime/git_command.h"
#include "runtime/source.h"

namespace spaceport::runtime {

// Every "scheme://user:secret@host" in `text` becomes "scheme://***@host".
std::string RedactUrlCredentials(std::string_view text);

// A repository's identity for matching webhooks against sources: scheme, userinfo, port, a
// trailing ".git" and slashes removed, the host lower-cased and, for hosted repositories, the
// path too (GitHub and GitLab compare OWNER/NAME case-insensitively).
//   "https://tok@GitHub.com/Acme/Deploy.git/" → "github.com/acme/deploy"
//   "git@github.com:acme/deploy.git"           → "github.com/acme/deploy"
//   "/srv/repo.git"                            → "/srv/repo"
std::string RepositoryIdentity(std::string_view url);

class GitSource final : public Source {
 public:
  // `ref` and `path` may be empty (the remote's HEAD; the whole tree).
  GitSource(std::string url, std::string ref, std::string path, SourceOptions options);
  ~GitSource() override;  // Stop()
  GitSource(const GitSource&) = delete;
  GitSource& operator=(const GitSource&) = delete;

  std::string Describe() const override;  // "git:https://***@host/x#main:spaces"
  Result<Snapshot> Load() override;
  Status Start(std::function<void()> changed) override;
  void RequestFetch() override;
  // A push to the same repository (a clone URL in any of git's forms, or "OWNER/NAME" for the
  // last two segments of the path), on refs/heads/REF or refs/tags/REF. With no REF configured
  // every ref matches (which branch is the remote's HEAD is only known to the remote), and so
  // does an empty `ref`.
  bool Matches(const std::string& repository_url, const std::string& ref) const override;
  void Stop() override;

  // The error of the last fetch; OK when it succeeded or none has run yet.
  Status last_error() const;
  // <cache_dir>/git/<hash>: the bare repository and the checkouts.
  const std::string& cache_path() const { return cache_path_; }

  const std::string& url() const { return url_; }    // as given: may hold credentials
  const std::string& ref() const { return ref_; }    // "" for the remote's HEAD
  const std::string& path() const { return path_; }  // "" for the whole tree

 private:
  // Fetches REF; on a new commit checks it out and makes it current. True when the sha moved.
  Result<bool> Fetch();
  Status EnsureRepository();
  Result<std::string> RunGit(const std::vector<std::string>& args, const std::string& what);
  // Removes every checkout but the current one (and git's records of them).
  void RemoveOldCheckouts(const std::string& keep);
  // `text` without any credential of this source's URL.
  std::string Redact(std::string_view text) const;
  void Poll();  // the background thread

  const std::string url_, ref_, path_;
  const SourceOptions options_;
  const std::string cache_path_, git_dir_, checkouts_dir_;
  GitCommand git_;
  std::function<void()> changed_;

  mutable std::mutex mutex_;  // guards the three below; held by Load while it reads a checkout
  std::string sha_;           // "" until the first good fetch
  std::string checkout_;      // the worktree of sha_
  Status last_error_;

  std::mutex wake_mutex_;  // guards the two flags below
  std::condition_variable wake_;
  bool stop_ = false;
  bool fetch_requested_ = false;
  std::thread thread_;
};

}  // namespace spaceport::runtime
