// state_dir/rejected/<target>/: where files that are not a target's jobs are set aside.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "state/durable_file.hpp"
#include "state/rejected_jobs.hpp"
#include "unit_support.hpp"

namespace deployhook {

namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(rejected_jobs)

BOOST_AUTO_TEST_CASE(moves_a_file_under_its_own_name_then_with_a_suffix) {
  testing::TempDir state;
  fs::path queue = state / "queue" / "web";
  testing::WriteText(queue / "retry.json", "first");
  BOOST_TEST(*MoveToRejected(state.Path(), "web", queue / "retry.json", std::nullopt) ==
             state / "rejected" / "web" / "retry.json");
  testing::WriteText(queue / "retry.json", "second");
  BOOST_TEST(*MoveToRejected(state.Path(), "web", queue / "retry.json", std::nullopt) ==
             state / "rejected" / "web" / "retry.json.1");
  BOOST_TEST(!fs::exists(queue / "retry.json"));
  BOOST_TEST(RejectedFiles(state.Path(), "web") == (std::vector<std::string>{"retry.json", "retry.json.1"}));
  std::string first;
  BOOST_TEST(ReadWholeFile(state / "rejected" / "web" / "retry.json", first));
  BOOST_TEST(first == "first");
}

BOOST_AUTO_TEST_CASE(moves_a_directory_whole) {
  testing::TempDir state;
  testing::WriteText(state / "queue" / "web" / "2.json" / "inside", "x");
  MoveToRejected(state.Path(), "web", state / "queue" / "web" / "2.json", std::nullopt);
  BOOST_TEST(fs::is_regular_file(state / "rejected" / "web" / "2.json" / "inside"));
}

BOOST_AUTO_TEST_CASE(a_file_already_gone_is_not_an_error) {
  testing::TempDir state;
  BOOST_TEST(!MoveToRejected(state.Path(), "web", state / "queue" / "web" / "1.json", std::nullopt));
}

BOOST_AUTO_TEST_CASE(throws_when_rejected_cannot_be_a_directory) {
  testing::TempDir state;
  testing::WriteText(state / "queue" / "web" / "1.json", "x");
  testing::WriteText(state / "rejected", "a file where deployhook needs a directory\n");
  BOOST_CHECK_THROW(MoveToRejected(state.Path(), "web", state / "queue" / "web" / "1.json", std::nullopt),
                    StorageError);
  BOOST_TEST(fs::exists(state / "queue" / "web" / "1.json"));
  BOOST_TEST(RejectedFiles(state.Path(), "web").empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
