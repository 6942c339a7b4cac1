// The end of a file, bounded: what a run's log page and a failure notification show.

#include <boost/test/unit_test.hpp>

#include "state/file_tail.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(file_tail)

BOOST_AUTO_TEST_CASE(returns_a_small_file_whole) {
  testing::TempDir dir;
  testing::WriteText(dir / "run.log", "one\ntwo\n");
  BOOST_TEST(ReadFileTail(dir / "run.log", 100).value() == "one\ntwo\n");
}

BOOST_AUTO_TEST_CASE(returns_only_the_last_bytes_of_a_large_file) {
  testing::TempDir dir;
  testing::WriteText(dir / "run.log", std::string(1000, 'a') + "the end\n");
  BOOST_TEST(ReadFileTail(dir / "run.log", 8).value() == "the end\n");
}

BOOST_AUTO_TEST_CASE(returns_nothing_for_a_missing_file_or_a_directory) {
  testing::TempDir dir;
  BOOST_TEST(!ReadFileTail(dir / "absent.log", 8).has_value());
  std::filesystem::create_directory(dir / "a-directory.log");
  BOOST_TEST(!ReadFileTail(dir / "a-directory.log", 8).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
