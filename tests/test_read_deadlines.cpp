// The connections request threads read from, and when each must have given its request.

#include <boost/test/unit_test.hpp>

#include <utility>
#include <vector>

#include "http/read_deadlines.hpp"

namespace deployhook {

using Clock = ReadDeadlines::Clock;
using std::chrono::seconds;

namespace {

// Returns the (fd, identity) pairs Expire acts on at `now`.
std::vector<std::pair<int, std::uint64_t>> ExpireAt(ReadDeadlines& deadlines, Clock::time_point now) {
  std::vector<std::pair<int, std::uint64_t>> acted;
  deadlines.Expire(now, [&](int fd, std::uint64_t identity) { acted.emplace_back(fd, identity); });
  return acted;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_deadlines)

BOOST_AUTO_TEST_CASE(acts_on_a_connection_once_its_deadline_passes_and_only_once) {
  ReadDeadlines deadlines;
  Clock::time_point now{};
  std::uint64_t token = deadlines.Start(7, 70, now + seconds(10));
  BOOST_TEST(ExpireAt(deadlines, now + seconds(9)).empty());
  BOOST_TEST(!deadlines.Expired(token));
  auto acted = ExpireAt(deadlines, now + seconds(10));
  BOOST_TEST_REQUIRE(acted.size() == 1u);
  BOOST_TEST(acted[0].first == 7);
  BOOST_TEST(acted[0].second == 70u);
  BOOST_TEST(deadlines.Expired(token));
  BOOST_TEST(ExpireAt(deadlines, now + seconds(20)).empty());
  BOOST_TEST(deadlines.Finish(token));
  BOOST_TEST(deadlines.Size() == 0u);
}

BOOST_AUTO_TEST_CASE(a_request_finished_in_time_is_never_acted_on) {
  ReadDeadlines deadlines;
  Clock::time_point now{};
  std::uint64_t token = deadlines.Start(7, 70, now + seconds(10));
  BOOST_TEST(!deadlines.Finish(token));
  BOOST_TEST(ExpireAt(deadlines, now + seconds(60)).empty());
  BOOST_TEST(!deadlines.Finish(token));  // a second finish is harmless
}

BOOST_AUTO_TEST_CASE(next_is_the_earliest_deadline_not_yet_expired) {
  ReadDeadlines deadlines;
  Clock::time_point now{};
  BOOST_TEST(!deadlines.Next());
  deadlines.Start(7, 70, now + seconds(10));
  std::uint64_t soon = deadlines.Start(8, 80, now + seconds(3));
  BOOST_TEST((deadlines.Next() == now + seconds(3)));
  auto acted = ExpireAt(deadlines, now + seconds(5));
  BOOST_TEST_REQUIRE(acted.size() == 1u);
  BOOST_TEST(acted[0].first == 8);
  BOOST_TEST((deadlines.Next() == now + seconds(10)));
  BOOST_TEST(deadlines.Finish(soon));
}

BOOST_AUTO_TEST_CASE(two_watches_of_one_number_are_kept_apart) {
  // A connection's number may be given to the next one as soon as it is closed.
  ReadDeadlines deadlines;
  Clock::time_point now{};
  std::uint64_t first = deadlines.Start(7, 70, now + seconds(1));
  std::uint64_t second = deadlines.Start(7, 71, now + seconds(10));
  BOOST_TEST(first != second);
  auto acted = ExpireAt(deadlines, now + seconds(2));
  BOOST_TEST_REQUIRE(acted.size() == 1u);
  BOOST_TEST(acted[0].second == 70u);
  BOOST_TEST(!deadlines.Expired(second));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
