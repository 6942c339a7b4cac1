// state_dir/logs/<id>.log: a run's output, bounded, keeping the tail.

#include <boost/test/unit_test.hpp>

#include "state/durable_file.hpp"
#include "deploy/run_log.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::string content;
  BOOST_TEST(ReadWholeFile(path, content));
  return content;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(run_log)

BOOST_AUTO_TEST_CASE(writes_everything_appended_in_order) {
  testing::TempDir dir;
  RunLog log(dir / "run.log");
  log.Append("$ docker compose pull app\n");
  log.Append("app Pulled\n");
  BOOST_TEST(Read(dir / "run.log") == "$ docker compose pull app\napp Pulled\n");
  BOOST_TEST(log.Path() == dir / "run.log");
}

BOOST_AUTO_TEST_CASE(keeps_the_tail_when_output_exceeds_the_bound) {
  testing::TempDir dir;
  {
    RunLog log(dir / "run.log", 100);
    for (int i = 0; i < 50; ++i) {
      log.Append("line " + std::to_string(i) + "\n");
      // Between cuts the file may grow to twice the bound, never more.
      BOOST_TEST(Read(dir / "run.log").size() <= 200u);
    }
  }
  std::string text = Read(dir / "run.log");
  BOOST_TEST(text.size() <= 100u);
  BOOST_TEST(text.starts_with("[... earlier output cut ...]\n"));
  BOOST_TEST(text.ends_with("line 49\n"));
  BOOST_TEST(text.find("line 0\n") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(appends_without_rewriting_what_the_file_holds) {
  testing::TempDir dir;
  RunLog log(dir / "run.log");
  log.Append("first\n");
  // Changed behind the log's back, in place: an append must leave these bytes alone.
  testing::WriteText(dir / "run.log", "FIRST\n");
  log.Append("second\n");
  BOOST_TEST(Read(dir / "run.log") == "FIRST\nsecond\n");
}

BOOST_AUTO_TEST_CASE(keeps_a_log_under_the_bound_whole) {
  testing::TempDir dir;
  {
    RunLog log(dir / "run.log", 100);
    log.Append(std::string(60, 'a'));
    log.Append(std::string(40, 'b'));
  }
  BOOST_TEST(Read(dir / "run.log") == std::string(60, 'a') + std::string(40, 'b'));
}

BOOST_AUTO_TEST_CASE(ignores_a_log_that_cannot_be_written) {
  testing::TempDir dir;
  RunLog log(dir / "no-such-dir" / "run.log");
  BOOST_CHECK_NO_THROW(log.Append("output"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
