// The fixed entries of state_dir and what each must be.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "state/state_layout.hpp"
#include "unit_support.hpp"

namespace deployhook {

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(state_layout)

BOOST_AUTO_TEST_CASE(finds_nothing_wrong_in_an_empty_or_sound_state_dir) {
  testing::TempDir state;
  BOOST_TEST(FindMisplacedEntries(state.Path(), {"web"}).empty());
  testing::WriteText(state / "deployments.jsonl", "");
  testing::WriteText(state / "locks" / "web.lock", "");
  fs::create_directories(state / "queue" / "web");
  BOOST_TEST(FindMisplacedEntries(state.Path(), {"web"}).empty());
  BOOST_TEST(FindMisplacedEntries(state / "missing", {"web"}).empty());
}

BOOST_AUTO_TEST_CASE(names_a_lock_and_a_history_that_are_directories) {
  testing::TempDir state;
  fs::create_directories(state / "locks" / "web.lock");
  fs::create_directories(state / "deployments.jsonl");
  testing::WriteText(state / "queue" / "api", "a file where a queue belongs\n");
  std::vector<MisplacedEntry> found = FindMisplacedEntries(state.Path(), {"web", "api"});
  BOOST_TEST_REQUIRE(found.size() == 3u);
  BOOST_TEST(found[0].path == state / "deployments.jsonl");
  BOOST_TEST(DescribeMisplaced(found[0]) == "a directory where deployhook needs a regular file");
  BOOST_TEST(found[1].path == state / "locks" / "web.lock");
  BOOST_TEST(found[2].path == state / "queue" / "api");
  BOOST_TEST(DescribeMisplaced(found[2]) == "a regular file where deployhook needs a directory");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
