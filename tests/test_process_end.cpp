// How a command's end is told: the run log's closing line, the journal's reason, success.

#include <boost/test/unit_test.hpp>

#include "util/process_end.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(process_end)

BOOST_AUTO_TEST_CASE(an_exit_is_told_by_its_status) {
  ProcessResult result;
  result.exit_code = 3;
  BOOST_TEST(EndLine("pull", result) == "[pull: exit 3]\n");
  BOOST_TEST(std::string(EndedOtherwise(result)).empty());
  BOOST_TEST(!Succeeded(result));
  result.exit_code = 0;
  BOOST_TEST(Succeeded(result));
}

BOOST_AUTO_TEST_CASE(an_end_other_than_an_exit_says_what_became_of_the_group) {
  ProcessResult result;
  result.exit_code = 0;  // what a killed group's leader may still report
  result.timed_out = true;
  BOOST_TEST(EndLine("fetch", result) == "[fetch: timed out, process group killed]\n");
  BOOST_TEST(std::string(EndedOtherwise(result)) == "timed out");
  BOOST_TEST(!Succeeded(result));
  result.interrupted = true;
  BOOST_TEST(EndLine("up", result) == "[up: interrupted: the worker is stopping, process group stopped]\n");
  BOOST_TEST(!Succeeded(result));
  ProcessResult unstarted;
  unstarted.exit_code = 0;
  unstarted.spawn_failed = true;
  BOOST_TEST(EndLine("up", unstarted) == "[up: could not start]\n");
  BOOST_TEST(std::string(EndedOtherwise(unstarted)) == "could not start");
  BOOST_TEST(!Succeeded(unstarted));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
