// The state directory misbehaving under `spaceport run` (issue 13, "The desired state and the
// state directory misbehave"): the directory is a small tmpfs of its own, mounted for this test in
// a private mount namespace (so the mount dies with the test process), which the test fills up, or
// whose status directory it makes read-only (a read-only bind mount), while the controller runs.
//
// Checked each time: the controller keeps running; a new version asked for while the directory
// cannot be written reaches the Space with exactly one Spaceport commit, and later passes do not
// commit again (the Space's commit is its own record: a lost status write never repeats a
// deploy); the log names the status file and the system's reason; once the directory can be
// written again the status file catches up without a restart. A controller started on a read-only
// state directory exits at once with an error naming the directory, before any Hub write.
//
// The corrupt, truncated and newer-format status files, and a second controller holding the lock,
// are covered in tests/runtime/status_store_test.cpp and tests/e2e/run_controller_test.cpp.
//
// Mounting needs CAP_SYS_ADMIN (CI runs as root); without it the test fails saying so.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "e2e/run_fixture.h"

namespace spaceport::e2e {
namespace {

using std::chrono::seconds;

constexpr char kTmpfsSize[] = "1m";

class RunStateDirFaults : public RunTest {
 protected:
  void SetUp() override {
    RunTest::SetUp();
    if (HasFatalFailure()) return;
    // This thread's own mount namespace, private, so the tmpfs is seen by this process and the
    // controller it starts, and goes away with them.
    ASSERT_EQ(::unshare(CLONE_NEWNS), 0)
        << "unshare(CLONE_NEWNS): " << std::strerror(errno)
        << " (this test mounts a small tmpfs as the state directory and needs CAP_SYS_ADMIN)";
    ASSERT_EQ(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0) << std::strerror(errno);
    std::filesystem::create_directories(state_dir_);
    ASSERT_EQ(::mount("tmpfs", state_dir_.c_str(), "tmpfs", 0, (std::string("size=") + kTmpfsSize).c_str()), 0)
        << "mount tmpfs on " << state_dir_ << ": " << std::strerror(errno);

    support::ImageSeeder seeder(dir_.path() / "seed-v1.1.0");
    support::ImageSpec spec;
    spec.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "APP_VERSION=v1.1.0"};
    auto seeded = seeder.Push(*registry_, "acme/app", "v1.1.0", spec);
    ASSERT_TRUE(seeded.ok()) << seeded.status().ToString();
  }

  void TearDown() override {
    RunTest::TearDown();  // stops the controller first
    ::umount2(state_dir_.c_str(), MNT_DETACH);
  }

  // Fills the state directory's file system to the last byte with one file; returns its path.
  std::filesystem::path FillUp() {
    const std::filesystem::path filler = state_dir_ / "filler";
    const int fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    EXPECT_GE(fd, 0) << std::strerror(errno);
    const std::string chunk(4096, 'x');
    while (::write(fd, chunk.data(), chunk.size()) > 0) {
    }
    EXPECT_EQ(errno, ENOSPC) << std::strerror(errno);
    ::close(fd);
    return filler;
  }

  // The whole file system read-only: only while nothing holds a file open for writing (the
  // running controller holds its lock file).
  void Remount(bool read_only) {
    ASSERT_EQ(::mount(nullptr, state_dir_.c_str(), nullptr, MS_REMOUNT | (read_only ? MS_RDONLY : 0),
                      (std::string("size=") + kTmpfsSize).c_str()),
              0)
        << "remount " << state_dir_ << (read_only ? " read-only: " : " read-write: ") << std::strerror(errno);
  }

  // The status directory read-only under the running controller: a read-only bind mount of it
  // over itself, as a volume remounted read-only by ops would look.
  void StatusDirReadOnly(bool read_only) {
    const std::string status = (state_dir_ / "status").string();
    if (!read_only) {
      ASSERT_EQ(::umount2(status.c_str(), 0), 0) << "umount " << status << ": " << std::strerror(errno);
      return;
    }
    ASSERT_EQ(::mount(status.c_str(), status.c_str(), nullptr, MS_BIND, nullptr), 0) << std::strerror(errno);
    ASSERT_EQ(::mount(nullptr, status.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr), 0)
        << "remount " << status << " read-only: " << std::strerror(errno);
  }

  int Commits() { return std::stoi(Field(SpaceState(), {"commits"})); }

  bool RunsVersion(const std::string& version) {
    const Json space = SpaceState();
    return RuntimeStage(space) == "RUNNING" &&
           DockerfileFrom(space).find(":hf-amd64-" + version + "@") != std::string::npos;
  }

  std::string StatusFileVersion() { return StatusFile().GetString("resolvedVersion"); }

  // Asks for `version` while the directory cannot be written (`reason`, as strerror says it): the
  // version reaches the Space with one commit, and five more intervals add none; the log names
  // the status file and the reason.
  void ExpectOneDeployWithoutTheStatusFile(const std::filesystem::path& desired, const std::string& version,
                                           const std::string& reason) {
    const int before = Commits();
    DemoOptions options;
    options.version = version;
    // The file lives outside the state directory, so it can still be written.
    ASSERT_TRUE(support::WriteFile(desired / "demo.yaml", WithInterval(DemoDeployment(options), "1s")));
    ASSERT_TRUE(WaitUntil([&] { return RunsVersion(version); }, seconds(60)))
        << version << " did not reach the Space while the state directory failed (" << reason << ")\n"
        << Tail(ControllerLog(), 30);
    std::this_thread::sleep_for(seconds(5));  // five intervals, each a pass that cannot write its status
    EXPECT_EQ(Commits(), before + 1) << "commits for one version while the status could not be written";
    EXPECT_TRUE(controller_->Running()) << Tail(ControllerLog(), 30);
    const std::string log = ControllerLog();
    EXPECT_NE(log.find("e2e/demo: status not written: "), std::string::npos) << Tail(log, 30);
    EXPECT_NE(log.find(reason), std::string::npos) << "the log does not say why:\n" << Tail(log, 30);
    EXPECT_NE(log.find((state_dir_ / "status" / "e2e").string()), std::string::npos)
        << "the log does not name the file:\n" << Tail(log, 30);
    EXPECT_NE(StatusFileVersion(), version) << "the status file was written although the disk refused";
    // What is served comes from memory and is current.
    EXPECT_EQ(FetchJson("/api/v1/status").Find("items")->At(0).GetString("resolvedVersion"), version);
  }
};

TEST_F(RunStateDirFaults, AFullDiskCostsStatusWritesNeverASecondCommitAndCatchesUpWhenFreed) {
  const auto desired = WriteDeployment(DemoOptions{}, "1s");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  const std::filesystem::path filler = FillUp();
  ASSERT_NO_FATAL_FAILURE(ExpectOneDeployWithoutTheStatusFile(desired, "v1.1.0", "No space left on device"));
  std::filesystem::remove(filler);
  EXPECT_TRUE(WaitUntil([&] { return StatusFileVersion() == "v1.1.0"; }, seconds(15)))
      << "the status file did not catch up once there was room: " << StatusFile().Dump();
  EXPECT_EQ(StopController(), 0);
}

TEST_F(RunStateDirFaults, AReadOnlyDiskCostsStatusWritesNeverASecondCommitAndCatchesUpWhenWritable) {
  const auto desired = WriteDeployment(DemoOptions{}, "1s");
  ASSERT_NO_FATAL_FAILURE(StartConverged(desired));
  ASSERT_NO_FATAL_FAILURE(StatusDirReadOnly(true));
  ASSERT_NO_FATAL_FAILURE(ExpectOneDeployWithoutTheStatusFile(desired, "v1.1.0", "Read-only file system"));
  ASSERT_NO_FATAL_FAILURE(StatusDirReadOnly(false));
  EXPECT_TRUE(WaitUntil([&] { return StatusFileVersion() == "v1.1.0"; }, seconds(15)))
      << "the status file did not catch up once writable: " << StatusFile().Dump();
  EXPECT_EQ(StopController(), 0);

  // A start on a read-only directory stops before doing anything, naming the directory.
  ASSERT_NO_FATAL_FAILURE(Remount(/*read_only=*/true));
  DemoOptions next;
  next.version = "v1.0.0";
  ASSERT_TRUE(support::WriteFile(desired / "demo.yaml", WithInterval(DemoDeployment(next), "1s")));
  const int before = Commits();
  const TimedResult refused = Spaceport({"run", desired.string()});
  std::cout << "a start on a read-only state directory: exit " << refused.exit_code << ", " << refused.err;
  EXPECT_NE(refused.exit_code, 0) << refused.out << refused.err;
  EXPECT_NE(refused.err.find(state_dir_.string()), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("Read-only file system"), std::string::npos) << refused.err;
  EXPECT_EQ(Commits(), before) << "a controller that cannot keep its state committed anyway";
}

}  // namespace
}  // namespace spaceport::e2e
