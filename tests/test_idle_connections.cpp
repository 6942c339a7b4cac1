// The kept connections waiting for their next request, and the tokens that name them.

#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "http/idle_connections.hpp"

namespace deployhook {

using Clock = IdleConnections::Clock;
using std::chrono::seconds;

BOOST_AUTO_TEST_SUITE(idle_connections)

BOOST_AUTO_TEST_CASE(a_token_gives_back_its_connection_once) {
  IdleConnections idle;
  Clock::time_point now{};
  std::uint64_t token = idle.Park(7, now + seconds(60));
  BOOST_TEST(token >= IdleConnections::FIRST_TOKEN);
  BOOST_TEST(idle.Take(token) == 7);
  BOOST_TEST(idle.Take(token) == -1);
  BOOST_TEST(idle.Size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_token_of_an_earlier_wait_is_stale) {
  IdleConnections idle;
  Clock::time_point now{};
  std::uint64_t first = idle.Park(7, now + seconds(60));
  BOOST_TEST(idle.Take(first) == 7);
  std::uint64_t second = idle.Park(7, now + seconds(60));  // the same number, waiting again
  BOOST_TEST(first != second);
  BOOST_TEST(idle.Take(first) == -1);
  BOOST_TEST(idle.Take(second) == 7);
}

BOOST_AUTO_TEST_CASE(expiry_takes_only_connections_past_their_deadline) {
  IdleConnections idle;
  Clock::time_point now{};
  std::uint64_t old_token = idle.Park(5, now + seconds(10));
  std::uint64_t new_token = idle.Park(6, now + seconds(30));
  BOOST_TEST(idle.Expire(now + seconds(9)).empty());
  BOOST_TEST(idle.Expire(now + seconds(10)) == std::vector<int>{5});
  // A wake-up for the expired one that was already under way finds nothing to serve.
  BOOST_TEST(idle.Take(old_token) == -1);
  BOOST_TEST(idle.Take(new_token) == 6);
}

BOOST_AUTO_TEST_CASE(a_number_closed_as_idle_and_reused_keeps_only_its_new_token) {
  IdleConnections idle;
  Clock::time_point now{};
  std::uint64_t old_token = idle.Park(9, now);
  BOOST_TEST(idle.Expire(now) == std::vector<int>{9});
  std::uint64_t reused = idle.Park(9, now + seconds(60));  // accept() gave the number again
  BOOST_TEST(idle.Take(old_token) == -1);
  BOOST_TEST(idle.Take(reused) == 9);
}

BOOST_AUTO_TEST_CASE(take_all_empties_the_table) {
  IdleConnections idle;
  Clock::time_point now{};
  idle.Park(3, now);
  idle.Park(4, now);
  std::vector<int> all = idle.TakeAll();
  std::sort(all.begin(), all.end());
  BOOST_TEST(all == (std::vector<int>{3, 4}));
  BOOST_TEST(idle.Size() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
