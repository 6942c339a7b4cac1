// state_dir/seen: which exact bodies were accepted, claimed atomically, forgotten and pruned.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "state/delivery_memory.hpp"
#include "state/durable_file.hpp"
#include "util/sha256.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

namespace fs = std::filesystem;

struct MemoryDir {
  testing::TempDir state;
  DeliveryMemory memory{state.Path()};

  fs::path Entry(const std::string& sha) const { return state / "seen" / sha; }

  // Makes the entry look `age` old.
  void Age(const std::string& sha, fs::file_time_type::duration age) const {
    fs::last_write_time(Entry(sha), fs::file_time_type::clock::now() - age);
  }

  std::size_t Count() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(state / "seen"),
                                                  fs::directory_iterator()));
  }
};

// The memory key of a numbered body accepted for target "app".
std::string Body(int n) { return DeliveryKey(Sha256Hex("body " + std::to_string(n)), "app"); }

}  // namespace

BOOST_AUTO_TEST_SUITE(delivery_memory)

BOOST_FIXTURE_TEST_CASE(claims_a_new_body_then_reports_it_duplicate, MemoryDir) {
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::Duplicate);
  BOOST_TEST(memory.TryClaim(Body(2)) == Claim::New);
}

BOOST_FIXTURE_TEST_CASE(keeps_a_confirmed_body_duplicate, MemoryDir) {
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  memory.Confirm(Body(1), {"job-a", "job-b"});
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::Duplicate);
  std::string content;
  BOOST_TEST(ReadWholeFile(Entry(Body(1)), content));
  BOOST_TEST(content == "queued job-a job-b\n");
}

BOOST_FIXTURE_TEST_CASE(shares_claims_between_instances_on_one_state_dir, MemoryDir) {
  // Two worker processes each have their own DeliveryMemory over the same directory.
  DeliveryMemory other(state.Path());
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  BOOST_TEST(other.TryClaim(Body(1)) == Claim::Duplicate);
}

BOOST_FIXTURE_TEST_CASE(forget_makes_a_body_claimable_again, MemoryDir) {
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  memory.Forget(Body(1));
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  memory.Confirm(Body(1), {"job"});
  memory.Forget(Body(1));
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  // Forgetting what is not there, or is not a digest, is harmless.
  memory.Forget(Body(9));
  memory.Forget("../../etc/passwd");
  memory.Forget(Sha256Hex("body 1") + "./../x");
}

BOOST_FIXTURE_TEST_CASE(keys_the_same_body_per_target, MemoryDir) {
  std::string digest = Sha256Hex("one body");
  BOOST_TEST(memory.TryClaim(DeliveryKey(digest, "web")) == Claim::New);
  BOOST_TEST(memory.TryClaim(DeliveryKey(digest, "worker")) == Claim::New);
  BOOST_TEST(memory.TryClaim(DeliveryKey(digest, "web")) == Claim::Duplicate);
}

BOOST_FIXTURE_TEST_CASE(reclaims_a_stale_claim, MemoryDir) {
  // A worker died between claiming and queueing: its claim must not block the body for ever.
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  Age(Body(1), DeliveryMemory::STALE_CLAIM + std::chrono::seconds(5));
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::Duplicate);
}

BOOST_FIXTURE_TEST_CASE(keeps_a_fresh_claim, MemoryDir) {
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  Age(Body(1), DeliveryMemory::STALE_CLAIM - std::chrono::seconds(5));
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::Duplicate);
}

BOOST_FIXTURE_TEST_CASE(keeps_an_old_confirmed_body, MemoryDir) {
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::New);
  memory.Confirm(Body(1), {"job"});
  Age(Body(1), DeliveryMemory::STALE_CLAIM * 10);
  BOOST_TEST(memory.TryClaim(Body(1)) == Claim::Duplicate);
}

BOOST_FIXTURE_TEST_CASE(prunes_entries_older_than_retention, MemoryDir) {
  for (int i = 0; i < 4; ++i) memory.TryClaim(Body(i));
  Age(Body(0), DeliveryMemory::RETENTION + std::chrono::hours(1));
  Age(Body(1), DeliveryMemory::RETENTION + std::chrono::hours(100));
  Age(Body(2), DeliveryMemory::RETENTION - std::chrono::hours(1));
  BOOST_TEST(memory.Prune(fs::file_time_type::clock::now()) == 2u);
  BOOST_TEST(!fs::exists(Entry(Body(0))));
  BOOST_TEST(!fs::exists(Entry(Body(1))));
  BOOST_TEST(fs::exists(Entry(Body(2))));
  BOOST_TEST(fs::exists(Entry(Body(3))));
}

BOOST_FIXTURE_TEST_CASE(prunes_the_oldest_entries_beyond_the_cap, MemoryDir) {
  for (int i = 0; i < 6; ++i) {
    memory.TryClaim(Body(i));
    Age(Body(i), std::chrono::hours(10 - i));  // Body(0) oldest, Body(5) newest
  }
  BOOST_TEST(memory.Prune(fs::file_time_type::clock::now(), 2) == 4u);
  BOOST_TEST(Count() == 2u);
  BOOST_TEST(fs::exists(Entry(Body(4))));
  BOOST_TEST(fs::exists(Entry(Body(5))));
}

BOOST_FIXTURE_TEST_CASE(prunes_nothing_when_within_limits, MemoryDir) {
  for (int i = 0; i < 3; ++i) memory.TryClaim(Body(i));
  BOOST_TEST(memory.Prune(fs::file_time_type::clock::now(), 3) == 0u);
  BOOST_TEST(Count() == 3u);
}

BOOST_FIXTURE_TEST_CASE(throws_storage_error_when_the_state_dir_is_unusable, MemoryDir) {
  // A regular file where the state directory should be.
  testing::WriteText(state / "file", "x");
  DeliveryMemory broken(state / "file");
  BOOST_CHECK_THROW(broken.TryClaim(Body(1)), StorageError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
