#include "runtime/git_source.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "base/ascii.h"
#include "base/digest.h"

namespace spaceport::runtime {
namespace {

namespace fs = std::filesystem;

// Where each fetch leaves the commit: a ref of our own keeps it safe from git's garbage
// collection until the next fetch moves it.
constexpr const char* kFetchedRef = "refs/spaceport/fetched";

std::string Trim(std::string_view text) {
  const auto not_space = [](unsigned char c) { return !std::isspace(c); };
  auto begin = std::find_if(text.begin(), text.end(), not_space);
  auto end = std::find_if(text.rbegin(), text.rend(), not_space).base();
  return begin < end ? std::string(begin, end) : std::string();
}

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// git's stderr as one line: its lines joined by "; ", bounded.
std::string OneLine(std::string_view err) {
  std::string out;
  size_t start = 0;
  while (start < err.size()) {
    size_t end = err.find('\n', start);
    if (end == std::string_view::npos) end = err.size();
    const std::string line = Trim(err.substr(start, end - start));
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    start = end + 1;
  }
  constexpr size_t kMax = 1000;
  if (out.size() > kMax) out = out.substr(0, kMax) + "…";
  return out.empty() ? "no message" : out;
}

// The status code a failed git command deserves, from what git said.
StatusCode Classify(std::string_view err) {
  const std::string text = AsciiLower(err);
  const auto has = [&](std::string_view s) { return text.find(s) != std::string::npos; };
  if (has("couldn't find remote ref") || has("repository not found") ||
      has("does not appear to be a git repository") || has("not found")) {
    return StatusCode::kNotFound;
  }
  if (has("authentication failed") || has("could not read username") ||
      has("could not read password") || has("terminal prompts disabled") ||
      has("permission denied")) {
    return StatusCode::kUnauthenticated;
  }
  return StatusCode::kUnavailable;
}

// Every "userinfo@" in the authority of a "scheme://" URL in `text` becomes `replacement`.
std::string RewriteUserinfo(std::string_view text, std::string_view replacement) {
  std::string out(text);
  for (size_t scheme = out.find("://"); scheme != std::string::npos;
       scheme = out.find("://", scheme + 3)) {
    const size_t start = scheme + 3;
    const size_t end = out.find_first_of("/?# \t\r\n'\"<>", start);
    const std::string_view authority =
        std::string_view(out).substr(start, (end == std::string::npos ? out.size() : end) - start);
    const size_t at = authority.rfind('@');
    if (at != std::string_view::npos) out.replace(start, at + 1, replacement);
  }
  return out;
}

// Keyed by the whole source without credentials: a rotated token keeps the clone, and two
// sources that differ only in PATH never share (and fight over) one.
std::string CachePath(const SourceOptions& options, const std::string& url, const std::string& ref,
                      const std::string& path) {
  if (options.cache_dir.empty()) return "";
  const std::string key =
      Sha256Hex(RewriteUserinfo(url, "") + "#" + ref + ":" + path).substr(0, 16);
  return (fs::path(options.cache_dir) / "git" / key).string();
}

// The userinfo of a URL ("user:token" in https://user:token@host/x), or "".
std::string_view Userinfo(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const std::string_view rest = url.substr(scheme + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  const size_t at = authority.rfind('@');
  return at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
}

// Rewrites the cache checkout's path in every file name and message of `loaded`, so diagnostics
// name files as they are in the repository.
void RelativizeFiles(spec::LoadResult& loaded, const std::string& checkout) {
  const std::string prefix = checkout + "/";
  const auto fix = [&](std::string& file) {
    if (file == checkout) {
      file = ".";
    } else if (file.starts_with(prefix)) {
      file.erase(0, prefix.size());
    }
  };
  for (spec::Diagnostic& diagnostic : loaded.diagnostics) {
    fix(diagnostic.position.file);
    ReplaceAll(diagnostic.message, prefix, "");
  }
  for (spec::InvalidDocument& invalid : loaded.invalid) {
    fix(invalid.position.file);
    if (invalid.key.starts_with(prefix)) invalid.key.erase(0, prefix.size());
  }
  for (spec::SpaceDeployment& deployment : loaded.deployments) {
    fix(deployment.position.file);
    for (spec::SpaceSpec& space : deployment.spaces) fix(space.position.file);
  }
}

}  // namespace

std::string RedactUrlCredentials(std::string_view text) { return RewriteUserinfo(text, "***@"); }

std::string RepositoryIdentity(std::string_view url) {
  std::string host;
  std::string_view path;
  const size_t scheme = url.find("://");
  const size_t colon = url.find(':');
  const size_t slash = url.find('/');
  if (scheme != std::string_view::npos) {
    std::string_view rest = url.substr(scheme + 3);
    const size_t end = std::min(rest.find('/'), rest.size());
    std::string_view authority = rest.substr(0, end);
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    // Drop a port, but not the colons inside an IPv6 literal.
    if (const size_t port = authority.rfind(':');
        port != std::string_view::npos && authority.find(']', port) == std::string_view::npos) {
      authority = authority.substr(0, port);
    }
    host = AsciiLower(authority);
    path = rest.substr(end);
  } else if (colon != std::string_view::npos &&
             (slash == std::string_view::npos || colon < slash)) {
    std::string_view authority = url.substr(0, colon);  // scp-like: [user@]host:path
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    host = AsciiLower(authority);
    path = url.substr(colon + 1);
  } else {
    path = url;  // a local path
  }
  while (path.ends_with("/")) path.remove_suffix(1);
  if (path.ends_with(".git")) path.remove_suffix(4);
  while (path.ends_with("/")) path.remove_suffix(1);
  if (host.empty()) return std::string(path);
  while (path.starts_with("/")) path.remove_prefix(1);
  return host + "/" + AsciiLower(path);
}

GitSource::GitSource(std::string url, std::string ref, std::string path, SourceOptions options)
    : url_(std::move(url)),
      ref_(std::move(ref)),
      path_(std::move(path)),
      options_(std::move(options)),
      cache_path_(CachePath(options_, url_, ref_, path_)),
      git_dir_(cache_path_.empty() ? "" : cache_path_ + "/repo.git"),
      checkouts_dir_(cache_path_.empty() ? "" : cache_path_ + "/checkouts"),
      git_(options_.git_binary, options_.git_timeout) {}

GitSource::~GitSource() { Stop(); }

std::string GitSource::Describe() const {
  std::string out = "git:" + RedactUrlCredentials(url_);
  if (!ref_.empty()) out += "#" + ref_;
  if (!path_.empty()) out += ":" + path_;
  return out;
}

std::string GitSource::Redact(std::string_view text) const {
  std::string out(text);
  ReplaceAll(out, url_, RedactUrlCredentials(url_));
  out = RedactUrlCredentials(out);
  // git may print the userinfo, or just the password, on its own (a credential helper's
  // complaint); neither may pass. Parts shorter than 4 characters are no secret worth mangling
  // every message for (ssh://git@host would turn each "git" into "***").
  const std::string_view userinfo = Userinfo(url_);
  const size_t colon = userinfo.find(':');
  for (std::string_view part :
       {userinfo,
        colon == std::string_view::npos ? std::string_view() : userinfo.substr(colon + 1)}) {
    if (part.size() >= 4) ReplaceAll(out, part, "***");
  }
  return out;
}

Status GitSource::last_error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return last_error_;
}

Result<std::string> GitSource::RunGit(const std::vector<std::string>& args,
                                      const std::string& what) {
  Result<GitOutput> output = git_.Run(args);
  if (!output.ok()) {
    return Status(output.status().code(),
                  Describe() + ": " + what + ": " + Redact(output.status().message()));
  }
  if (output->exit_code != 0) {
    return Status(Classify(output->err),
                  Describe() + ": " + what + " failed: " + Redact(OneLine(output->err)));
  }
  return std::move(output->out);
}

Status GitSource::EnsureRepository() {
  std::error_code ec;
  if (fs::exists(fs::path(git_dir_) / "HEAD", ec)) return Status::Ok();
  fs::create_directories(cache_path_, ec);
  if (ec) return Internal(Describe() + ": cannot create " + cache_path_ + ": " + ec.message());
  // The cache holds what the repository holds; it is no one else's to read.
  ::chmod(cache_path_.c_str(), 0700);
  Result<std::string> init = RunGit({"init", "--bare", "--quiet", git_dir_}, "git init");
  return init.ok() ? Status::Ok() : init.status();
}

Result<bool> GitSource::Fetch() {
  if (Status s = EnsureRepository(); !s.ok()) return s;
  const std::string source_ref = ref_.empty() ? "HEAD" : ref_;
  const std::string what = ref_.empty() ? "the remote's HEAD" : ref_;
  Result<std::string> fetched =
      RunGit({"--git-dir", git_dir_, "fetch", "--quiet", "--no-tags", "--no-recurse-submodules",
              "--depth", "1", "--", url_, "+" + source_ref + ":" + kFetchedRef},
             "git fetch of " + what);
  if (!fetched.ok()) return fetched.status();
  Result<std::string> parsed = RunGit({"--git-dir", git_dir_, "rev-parse", "--verify", "--quiet",
                                       std::string(kFetchedRef) + "^{commit}"},
                                      "git rev-parse of the fetched " + what);
  if (!parsed.ok()) return parsed.status();
  const std::string sha = Trim(*parsed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (sha == sha_) return false;
  }

  // A checkout left by an earlier process may be half written: start it afresh.
  const std::string checkout = checkouts_dir_ + "/" + sha;
  std::error_code ec;
  fs::remove_all(checkout, ec);
  if (Result<std::string> pruned =
          RunGit({"--git-dir", git_dir_, "worktree", "prune"}, "git worktree prune");
      !pruned.ok()) {
    return pruned.status();
  }
  // Hooks are off: a user's core.hooksPath has no business running on our checkouts.
  Result<std::string> added = RunGit(
      {"--git-dir", git_dir_, "-c", "core.hooksPath=/dev/null", "-c", "advice.detachedHead=false",
       "worktree", "add", "--quiet", "--detach", "--force", checkout, sha},
      "git worktree add of " + sha);
  if (!added.ok()) return added.status();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    sha_ = sha;
    checkout_ = checkout;
  }
  RemoveOldCheckouts(checkout);
  return true;
}

void GitSource::RemoveOldCheckouts(const std::string& keep) {
  std::vector<fs::path> old;
  std::error_code ec;
  for (fs::directory_iterator it(checkouts_dir_, ec); !ec && it != fs::directory_iterator();
       it.increment(ec)) {
    if (it->path().string() != keep) old.push_back(it->path());
  }
  if (old.empty()) return;
  {
    // Load reads the current checkout under this lock; an old one is no longer current, but a
    // Load that began before the switch may still be reading it.
    std::lock_guard<std::mutex> lock(mutex_);
    for (const fs::path& path : old) fs::remove_all(path, ec);
  }
  [[maybe_unused]] Result<std::string> pruned =
      RunGit({"--git-dir", git_dir_, "worktree", "prune"}, "git worktree prune");
}

Status GitSource::Start(std::function<void()> changed) {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    if (thread_.joinable()) return FailedPrecondition(Describe() + " is already started");
  }
  if (cache_path_.empty()) {
    return FailedPrecondition(Describe() +
                              ": a git source needs a cache directory (the state "
                              "directory) to clone into");
  }
  Result<bool> first = Fetch();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    last_error_ = first.status();
  }
  if (!first.ok()) return first.status();
  changed_ = std::move(changed);
  // Under the lock, so a Stop that raced with the first fetch either sees the thread or keeps
  // it from starting.
  std::lock_guard<std::mutex> lock(wake_mutex_);
  if (stop_) return FailedPrecondition(Describe() + " is stopped");
  thread_ = std::thread([this] { Poll(); });
  return Status::Ok();
}

void GitSource::RequestFetch() {
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    fetch_requested_ = true;
  }
  wake_.notify_all();
}

void GitSource::Stop() {
  std::thread poller;
  {
    std::lock_guard<std::mutex> lock(wake_mutex_);
    stop_ = true;
    poller = std::move(thread_);
  }
  wake_.notify_all();
  git_.Cancel();  // a fetch in flight is killed rather than waited for
  if (poller.joinable()) poller.join();
}

void GitSource::Poll() {
  std::unique_lock<std::mutex> lock(wake_mutex_);
  while (!stop_) {
    wake_.wait_for(lock, options_.poll_interval, [&] { return stop_ || fetch_requested_; });
    if (stop_) break;
    fetch_requested_ = false;
    lock.unlock();
    Result<bool> fetched = Fetch();
    lock.lock();
    if (stop_) break;  // a fetch killed by Stop says nothing about the repository
    lock.unlock();
    {
      std::lock_guard<std::mutex> state(mutex_);
      last_error_ = fetched.status();
    }
    if (fetched.ok() && *fetched) changed_();
    lock.lock();
  }
}

Result<Snapshot> GitSource::Load() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (sha_.empty()) {
    if (!last_error_.ok()) return last_error_;
    return FailedPrecondition(Describe() + " has not been fetched yet (Start fetches it)");
  }
  const std::string root = path_.empty() ? checkout_ : checkout_ + "/" + path_;
  std::error_code ec;
  if (!fs::exists(root, ec)) {
    return NotFound(Describe() + ": " + path_ + " does not exist in commit " + sha_);
  }
  Snapshot snapshot{spec::LoadPaths({root}), sha_};
  RelativizeFiles(snapshot.loaded, checkout_);
  return snapshot;
}

bool GitSource::Matches(const std::string& repository_url, const std::string& ref) const {
  const bool ref_matches = ref_.empty() || ref.empty() || ref == ref_ ||
                           ref == "refs/heads/" + ref_ || ref == "refs/tags/" + ref_;
  if (!ref_matches) return false;
  const std::string mine = RepositoryIdentity(url_);
  const bool owner_name = repository_url.find(':') == std::string::npos &&
                          !repository_url.starts_with("/") &&
                          std::count(repository_url.begin(), repository_url.end(), '/') == 1;
  if (owner_name) {
    const std::string tail = "/" + AsciiLower(repository_url);
    return AsciiLower(mine).ends_with(tail);
  }
  return RepositoryIdentity(repository_url) == mine;
}

}  // namespace spaceport::runtime
