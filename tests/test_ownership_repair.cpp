// At start the worker takes back, or names, entries in state_dir that are not its own.

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include "state/ownership_repair.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

constexpr uid_t OTHER_UID = 65534;  // nobody: the worker's user in these tests
constexpr gid_t OTHER_GID = 65534;

uid_t OwnerOf(const std::filesystem::path& path) {
  struct stat info {};
  BOOST_TEST_REQUIRE(::lstat(path.c_str(), &info) == 0);
  return info.st_uid;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ownership_repair)

BOOST_AUTO_TEST_CASE(hands_roots_entries_to_the_state_dir_owner) {
  if (::geteuid() != 0) return;  // only root can stage or repair this
  testing::TempDir dir;
  std::filesystem::path state = dir / "state";
  testing::WriteText(state / "queue" / "app" / "job.json", "{}");
  testing::WriteText(state / "worker.lock", "");
  BOOST_TEST_REQUIRE(::chown(state.c_str(), OTHER_UID, OTHER_GID) == 0);
  OwnershipRepair repair = RepairOwnership(state, 0);
  BOOST_TEST(repair.repaired == 4u);  // queue, queue/app, the job, the lock
  BOOST_TEST(repair.unusable.empty());
  BOOST_TEST(OwnerOf(state / "queue" / "app" / "job.json") == OTHER_UID);
  BOOST_TEST(OwnerOf(state / "worker.lock") == OTHER_UID);
}

BOOST_AUTO_TEST_CASE(repairs_nothing_in_a_state_dir_that_is_all_its_own) {
  testing::TempDir dir;
  testing::WriteText(dir / "queue" / "app" / "job.json", "{}");
  OwnershipRepair repair = RepairOwnership(dir.Path(), ::geteuid());
  BOOST_TEST(repair.repaired == 0u);
  BOOST_TEST(repair.unusable.empty());
}

BOOST_AUTO_TEST_CASE(reports_a_foreign_directory_it_cannot_take_back) {
  if (::geteuid() != 0) return;
  testing::TempDir dir;
  // Seen from OTHER_UID's worker: state_dir is its own, queue/app is root's.
  std::filesystem::path state = dir / "state";
  testing::WriteText(state / "queue" / "app" / "job.json", "{}");
  BOOST_TEST_REQUIRE(::chown(state.c_str(), OTHER_UID, OTHER_GID) == 0);
  BOOST_TEST_REQUIRE(::chown((state / "queue").c_str(), OTHER_UID, OTHER_GID) == 0);
  OwnershipRepair repair = RepairOwnership(state, OTHER_UID);
  BOOST_TEST_REQUIRE(repair.unusable.size() == 1u);  // nothing below the directory is listed
  BOOST_TEST(repair.unusable[0].path == state / "queue" / "app");
  BOOST_TEST(repair.unusable[0].owner == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
}  // namespace deployhook
