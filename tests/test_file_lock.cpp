// flock(2) locks in state_dir, and the worker presence lock built on them.

#include <boost/test/unit_test.hpp>

#include "state/durable_file.hpp"
#include "state/file_lock.hpp"
#include "unit_support.hpp"
#include "state/worker_presence.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(file_lock)

BOOST_AUTO_TEST_CASE(refuses_a_second_exclusive_lock_until_the_first_is_released) {
  // flock locks belong to open files, so two opens in one process contend like two processes.
  testing::TempDir dir;
  std::optional<FileLock> first = FileLock::TryLock(dir / "web.lock");
  BOOST_TEST_REQUIRE(first.has_value());
  BOOST_TEST(!FileLock::TryLock(dir / "web.lock").has_value());
  BOOST_TEST(!FileLock::TryLock(dir / "web.lock", false).has_value());
  first.reset();
  BOOST_TEST(FileLock::TryLock(dir / "web.lock").has_value());
}

BOOST_AUTO_TEST_CASE(shares_shared_locks) {
  testing::TempDir dir;
  std::optional<FileLock> a = FileLock::TryLock(dir / "l", false);
  std::optional<FileLock> b = FileLock::TryLock(dir / "l", false);
  BOOST_TEST(a.has_value());
  BOOST_TEST(b.has_value());
  BOOST_TEST(!FileLock::TryLock(dir / "l").has_value());
}

BOOST_AUTO_TEST_CASE(throws_storage_error_when_the_lock_cannot_be_opened) {
  testing::TempDir dir;
  BOOST_CHECK_THROW(FileLock::TryLock(dir / "missing-dir" / "l"), StorageError);
}

BOOST_AUTO_TEST_CASE(sees_a_worker_while_it_holds_its_presence_lock) {
  testing::TempDir state;
  BOOST_TEST(!WorkerIsRunning(state.Path()));
  {
    FileLock presence = AnnounceWorker(state.Path());
    BOOST_TEST(WorkerIsRunning(state.Path()));
    FileLock second = AnnounceWorker(state.Path());  // two workers may share a state_dir
    BOOST_TEST(WorkerIsRunning(state.Path()));
  }
  BOOST_TEST(!WorkerIsRunning(state.Path()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
