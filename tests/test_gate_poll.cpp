// A gate's pauses: short while a container may turn healthy any moment, longer as the wait
// goes on.

#include <boost/test/unit_test.hpp>

#include "deploy/gate_poll.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;

const GatePolls POLLS{.first = milliseconds(100), .last = milliseconds(1000)};

}  // namespace

BOOST_AUTO_TEST_SUITE(gate_poll)

BOOST_AUTO_TEST_CASE(looks_again_after_the_shortest_pause_at_first) {
  BOOST_TEST(GatePause(milliseconds(0), POLLS).count() == 100);
  BOOST_TEST(GatePause(milliseconds(900), POLLS).count() == 100);
}

BOOST_AUTO_TEST_CASE(pauses_a_tenth_of_the_wait_so_far_in_between) {
  BOOST_TEST(GatePause(milliseconds(2500), POLLS).count() == 250);
  BOOST_TEST(GatePause(milliseconds(6000), POLLS).count() == 600);
}

BOOST_AUTO_TEST_CASE(never_pauses_longer_than_the_longest_pause) {
  BOOST_TEST(GatePause(milliseconds(10000), POLLS).count() == 1000);
  BOOST_TEST(GatePause(std::chrono::minutes(10), POLLS).count() == 1000);
}

BOOST_AUTO_TEST_CASE(takes_the_shortest_pause_when_the_longest_is_shorter) {
  const GatePolls odd{.first = milliseconds(300), .last = milliseconds(50)};
  BOOST_TEST(GatePause(std::chrono::minutes(1), odd).count() == 300);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
