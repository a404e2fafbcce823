#include "act/build_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/atomic_file.h"
#include "base/digest.h"
#include "base/json.h"

namespace spaceport::act {
namespace {

std::optional<std::string> ReadWhole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Json ExitToJson(const BuildExit& exit) {
  Json out = Json::Object();
  switch (exit.kind) {
    case BuildExit::Kind::kExited:
      out.Set("exitCode", Json(exit.code));
      break;
    case BuildExit::Kind::kSignaled:
      out.Set("signal", Json(exit.code));
      break;
    case BuildExit::Kind::kTimedOut:
      out.Set("timedOut", Json(true));
      break;
  }
  return out;
}

std::optional<BuildExit> ExitFromJson(const Json* doc) {
  if (doc == nullptr || !doc->is_object()) return std::nullopt;
  if (const Json* t = doc->Find("timedOut"); t && t->is_bool() && t->AsBool()) {
    return BuildExit{BuildExit::Kind::kTimedOut, 0};
  }
  if (const Json* s = doc->Find("signal"); s && s->AsInt()) {
    return BuildExit{BuildExit::Kind::kSignaled, static_cast<int>(*s->AsInt())};
  }
  if (const Json* c = doc->Find("exitCode"); c && c->AsInt()) {
    return BuildExit{BuildExit::Kind::kExited, static_cast<int>(*c->AsInt())};
  }
  return std::nullopt;
}

int64_t IntField(const Json& doc, std::string_view key) {
  const Json* v = doc.Find(key);
  return v != nullptr && v->is_number() ? v->AsInt().value_or(0) : 0;
}

bool Alive(int64_t pid, uint64_t start_time) {
  if (pid <= 0 || start_time == 0) return false;
  auto now = ProcessStartTime(static_cast<pid_t>(pid));
  return now && *now == start_time;
}

}  // namespace

std::string BuildExit::Describe() const {
  switch (kind) {
    case Kind::kExited:
      return "exited with status " + std::to_string(code);
    case Kind::kSignaled:
      return "was killed by signal " + std::to_string(code);
    case Kind::kTimedOut:
      return "ran longer than its timeout and was killed";
  }
  return "ended";
}

std::string BuildLockKey(std::string_view image) { return Sha256Hex(image); }

std::optional<uint64_t> ProcessStartTime(pid_t pid) {
  auto stat = ReadWhole("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  // "PID (comm) S ppid ...": comm may contain spaces and ')', so fields count from the last ')'.
  const size_t paren = stat->rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat->substr(paren + 1));
  std::string field;
  // After ')' come field 3 (state) onwards; starttime is field 22.
  for (int index = 3; index <= 22; ++index) {
    if (!(fields >> field)) return std::nullopt;
    if (index == 3 && (field == "Z" || field == "X")) return std::nullopt;
  }
  try {
    return static_cast<uint64_t>(std::stoull(field));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<BuildExit> ParseBuildExit(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string kind;
  int code = 0;
  if (!(in >> kind)) return std::nullopt;
  if (kind == "timed_out") return BuildExit{BuildExit::Kind::kTimedOut, 0};
  if (!(in >> code)) return std::nullopt;
  if (kind == "exited") return BuildExit{BuildExit::Kind::kExited, code};
  if (kind == "signaled") return BuildExit{BuildExit::Kind::kSignaled, code};
  return std::nullopt;
}

BuildLocks::BuildLocks(std::filesystem::path state_dir) : dir_(std::move(state_dir) / "builds") {}

std::filesystem::path BuildLocks::RecordPath(std::string_view key) const {
  return dir_ / (std::string(key) + ".json");
}
std::filesystem::path BuildLocks::ExitPath(std::string_view key) const {
  return dir_ / (std::string(key) + ".exit");
}
std::filesystem::path BuildLocks::LogPath(std::string_view key) const {
  return dir_ / (std::string(key) + ".log");
}

BuildLocks::Held::~Held() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

Result<BuildLocks::Held> BuildLocks::Lock(std::string_view key) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return Internal("cannot create " + dir_.string() + ": " + ec.message());
  ::chmod(dir_.c_str(), 0700);
  const std::string path = (dir_ / (std::string(key) + ".lock")).string();
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Internal("cannot open " + path + ": " + std::strerror(errno));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    return Internal("cannot lock " + path + ": " + std::strerror(err));
  }
  return Held(fd);
}

Result<std::optional<BuildLockRecord>> BuildLocks::Read(std::string_view key) const {
  auto text = ReadWhole(RecordPath(key));
  if (!text) return std::optional<BuildLockRecord>();
  Result<Json> doc = Json::Parse(*text);
  if (!doc.ok() || !doc->is_object()) {
    return Status(StatusCode::kDataLoss,
                  "build lock record " + RecordPath(key).string() + " is not a JSON object");
  }
  BuildLockRecord record;
  record.pid = IntField(*doc, "pid");
  record.start_time = static_cast<uint64_t>(IntField(*doc, "startTime"));
  record.monitor_pid = IntField(*doc, "monitorPid");
  record.monitor_start_time = static_cast<uint64_t>(IntField(*doc, "monitorStartTime"));
  record.build_id = doc->GetString("buildID");
  record.image = doc->GetString("image");
  record.log_path = doc->GetString("log");
  record.started_at = doc->GetString("startedAt");
  record.timeout_seconds = IntField(*doc, "timeoutSeconds");
  record.exit = ExitFromJson(doc->Find("exit"));
  record.exit_recorded = record.exit.has_value();
  if (!record.exit) {
    if (auto result = ReadWhole(ExitPath(key))) record.exit = ParseBuildExit(*result);
  }
  return std::optional<BuildLockRecord>(std::move(record));
}

Status BuildLocks::Write(std::string_view key, const BuildLockRecord& record) const {
  Json doc = Json::Object();
  doc.Set("pid", Json(record.pid));
  doc.Set("startTime", Json(static_cast<int64_t>(record.start_time)));
  doc.Set("monitorPid", Json(record.monitor_pid));
  doc.Set("monitorStartTime", Json(static_cast<int64_t>(record.monitor_start_time)));
  doc.Set("buildID", Json(record.build_id));
  doc.Set("image", Json(record.image));
  doc.Set("log", Json(record.log_path));
  doc.Set("startedAt", Json(record.started_at));
  doc.Set("timeoutSeconds", Json(record.timeout_seconds));
  if (record.exit) doc.Set("exit", ExitToJson(*record.exit));

  // The record is how the next process finds a build in flight, so it must never be torn.
  return WriteFileAtomically(RecordPath(key).string(), doc.Dump(2) + "\n", 0644);
}

BuildInspection Inspect(const BuildLockRecord& record) {
  if (record.exit) return {BuildLiveness::kFinished, record.exit};
  if (Alive(record.pid, record.start_time) ||
      Alive(record.monitor_pid, record.monitor_start_time)) {
    return {BuildLiveness::kInFlight, std::nullopt};
  }
  return {BuildLiveness::kDisappeared, std::nullopt};
}

}  // namespace spaceport::act
