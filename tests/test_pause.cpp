// A paused target: state on disk that every worker sharing the state_dir honours.

#include <boost/test/unit_test.hpp>

#include "state/pause.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(pause)

BOOST_AUTO_TEST_CASE(pauses_and_resumes_a_target) {
  testing::TempDir state;
  BOOST_TEST(!ReadPause(state.Path(), "web").has_value());
  WritePause(state.Path(), "web", {"alice", "investigating 502s", "2026-11-28T08:00:00.000Z"});
  std::optional<Pause> pause = ReadPause(state.Path(), "web");
  BOOST_TEST_REQUIRE(pause.has_value());
  BOOST_TEST(pause->user == "alice");
  BOOST_TEST(pause->reason == "investigating 502s");
  BOOST_TEST(pause->since == "2026-11-28T08:00:00.000Z");
  BOOST_TEST(!ReadPause(state.Path(), "api").has_value());
  BOOST_TEST(ClearPause(state.Path(), "web"));
  BOOST_TEST(!ReadPause(state.Path(), "web").has_value());
  BOOST_TEST(!ClearPause(state.Path(), "web"));
}

BOOST_AUTO_TEST_CASE(pausing_again_keeps_it_paused_with_the_newer_reason) {
  testing::TempDir state;
  WritePause(state.Path(), "web", {"alice", "first", "t1"});
  WritePause(state.Path(), "web", {"bob", "second", "t2"});
  BOOST_TEST(ReadPause(state.Path(), "web")->reason == "second");
}

BOOST_AUTO_TEST_CASE(an_unreadable_pause_file_still_pauses) {
  testing::TempDir state;
  testing::WriteText(PausePath(state.Path(), "web"), "not json");
  std::optional<Pause> pause = ReadPause(state.Path(), "web");
  BOOST_TEST_REQUIRE(pause.has_value());
  BOOST_TEST(pause->user.empty());
}

BOOST_AUTO_TEST_CASE(keeps_a_reason_with_newlines_on_one_line) {
  std::string line = SerializePause({"alice", "a\nb\x1b[31m", "t"});
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(ParsePause(line)->reason == "a\nb\x1b[31m");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
