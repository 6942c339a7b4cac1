// What a root command line writes in state_dir belongs to state_dir's owner.

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "state/durable_file.hpp"
#include "state/file_lock.hpp"
#include "state/job_queue.hpp"
#include "state/state_owner.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

constexpr uid_t OTHER_UID = 65534;  // nobody
constexpr gid_t OTHER_GID = 65534;

uid_t OwnerOf(const std::filesystem::path& path) {
  struct stat info {};
  BOOST_TEST_REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_uid;
}

// A state_dir that belongs to OTHER_UID, as the worker's own user would own it. Only root can
// stage one; the tests below that need it say so and pass without checking otherwise.
struct ForeignStateDir {
  testing::TempDir dir;
  std::filesystem::path state = dir / "state";
  bool staged = false;

  ForeignStateDir() {
    std::filesystem::create_directory(state);
    staged = ::geteuid() == 0 && ::chown(state.c_str(), OTHER_UID, OTHER_GID) == 0;
    if (!staged) BOOST_TEST_MESSAGE("not root: ownership is not checked");
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(state_owner)

BOOST_AUTO_TEST_CASE(names_no_owner_for_a_writer_that_is_not_root) {
  testing::TempDir dir;
  BOOST_TEST(!StateOwner(dir.Path(), 1000).has_value());
  BOOST_TEST(!StateOwner(dir / "missing", 0).has_value());
}

BOOST_FIXTURE_TEST_CASE(names_state_dir_owner_for_root, ForeignStateDir) {
  if (!staged) return;
  std::optional<FileOwner> owner = StateOwner(state, 0);
  BOOST_TEST_REQUIRE(owner.has_value());
  BOOST_TEST(owner->uid == OTHER_UID);
  BOOST_TEST(owner->gid == OTHER_GID);
}

BOOST_FIXTURE_TEST_CASE(gives_every_directory_it_creates_to_the_owner, ForeignStateDir) {
  if (!staged) return;
  EnsureOwnedDirectory(state / "queue" / "app", StateOwner(state));
  BOOST_TEST(OwnerOf(state / "queue") == OTHER_UID);
  BOOST_TEST(OwnerOf(state / "queue" / "app") == OTHER_UID);
}

BOOST_FIXTURE_TEST_CASE(enqueues_jobs_the_owner_can_take, ForeignStateDir) {
  if (!staged) return;
  Job job{.id = "20261128T072830Z-0001", .target = "app", .delivery = "manual",
          .repository = "octo/app", .ref = "refs/heads/main", .after = "", .body_sha256 = "",
          .queued_at = "2026-11-28T07:28:30Z"};
  JobQueue(state).Enqueue({job});
  BOOST_TEST(OwnerOf(state / "queue") == OTHER_UID);
  BOOST_TEST(OwnerOf(state / "queue" / "app") == OTHER_UID);
  BOOST_TEST(OwnerOf(state / "queue" / "app" / (job.id + ".json")) == OTHER_UID);
}

BOOST_FIXTURE_TEST_CASE(creates_lock_files_for_the_owner, ForeignStateDir) {
  if (!staged) return;
  BOOST_TEST(FileLock::TryLock(state / "worker.lock", true, StateOwner(state)).has_value());
  BOOST_TEST(OwnerOf(state / "worker.lock") == OTHER_UID);
}

BOOST_AUTO_TEST_CASE(leaves_ownership_alone_without_an_owner) {
  testing::TempDir dir;
  EnsureOwnedDirectory(dir / "a" / "b", std::nullopt);
  WriteFileDurably(dir / "a" / "b" / "file", "x", std::nullopt);
  BOOST_TEST(OwnerOf(dir / "a" / "b" / "file") == ::geteuid());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
