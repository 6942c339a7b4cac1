// Delays for retrying what keeps failing.

#include <boost/test/unit_test.hpp>

#include <vector>

#include "util/backoff.hpp"

namespace deployhook {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(backoff)

BOOST_AUTO_TEST_CASE(doubles_from_the_first_delay_up_to_the_cap) {
  Backoff backoff(seconds(5), minutes(10));
  std::vector<long> delays;
  for (int i = 0; i < 10; ++i) {
    delays.push_back(static_cast<long>(std::chrono::duration_cast<seconds>(backoff.Next()).count()));
  }
  BOOST_TEST(delays == (std::vector<long>{5, 10, 20, 40, 80, 160, 320, 600, 600, 600}));
}

BOOST_AUTO_TEST_CASE(starts_again_after_a_reset) {
  Backoff backoff(milliseconds(100), milliseconds(250));
  BOOST_TEST(backoff.Next().count() == 100);
  BOOST_TEST(backoff.Next().count() == 200);
  BOOST_TEST(backoff.Next().count() == 250);
  backoff.Reset();
  BOOST_TEST(backoff.Next().count() == 100);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
