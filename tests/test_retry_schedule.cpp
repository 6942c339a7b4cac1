// When a notification is tried again and when it is given up.

#include <boost/test/unit_test.hpp>

#include <vector>

#include "notify/retry_schedule.hpp"

namespace deployhook {

using std::chrono::milliseconds;

BOOST_AUTO_TEST_SUITE(retry_schedule)

BOOST_AUTO_TEST_CASE(delivers_on_2xx_gives_up_on_4xx_but_408_and_429) {
  auto judge = [](long status) { return JudgeAnswer(HttpResult{status, ""}); };
  BOOST_TEST((judge(200) == SendVerdict::Delivered));
  BOOST_TEST((judge(204) == SendVerdict::Delivered));
  BOOST_TEST((judge(400) == SendVerdict::GiveUp));
  BOOST_TEST((judge(404) == SendVerdict::GiveUp));
  BOOST_TEST((judge(408) == SendVerdict::Retry));
  BOOST_TEST((judge(429) == SendVerdict::Retry));
  BOOST_TEST((judge(500) == SendVerdict::Retry));
  BOOST_TEST((judge(503) == SendVerdict::Retry));
  BOOST_TEST((judge(301) == SendVerdict::Retry));
  BOOST_TEST((JudgeAnswer(HttpResult{0, "Couldn't connect to server"}) == SendVerdict::Retry));
}

BOOST_AUTO_TEST_CASE(doubles_from_about_a_second_to_ten_minutes) {
  std::vector<long> seconds;
  for (int tries = 1; tries <= 13; ++tries) {
    seconds.push_back(static_cast<long>(RetryDelay(tries, RETRY_FIRST).count() / 1000));
  }
  BOOST_TEST(seconds == (std::vector<long>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 600, 600, 600}));
  BOOST_TEST(RetryDelay(1000000, RETRY_FIRST).count() == RETRY_CAP.count());
  BOOST_TEST(RetryDelay(2, milliseconds(300)).count() == 600);
}

BOOST_AUTO_TEST_CASE(keeps_trying_for_at_least_an_hour_then_gives_up) {
  // Replays the schedule on a fake clock: every try fails at once.
  const std::int64_t created = 1'700'000'000'000;
  std::int64_t now = created;
  int tries = 0;
  std::optional<std::int64_t> next = now;
  while (next) {
    now = *next;
    ++tries;
    next = NextTryMs(tries, created, now, RETRY_FIRST);
  }
  BOOST_TEST(now - created >= GIVE_UP_AFTER.count());
  BOOST_TEST(now - created < GIVE_UP_AFTER.count() + RETRY_CAP.count());
  // Eleven tries in the first 1023 s (1 s doubling), then one every ten minutes: the sixteenth,
  // at 4023 s, is the last.
  BOOST_TEST(tries == 16);
  BOOST_TEST(now - created == 4'023'000);
}

BOOST_AUTO_TEST_CASE(gives_up_a_message_found_an_hour_old) {
  const std::int64_t created = 1'000;
  BOOST_TEST(!NextTryMs(1, created, created + GIVE_UP_AFTER.count(), RETRY_FIRST).has_value());
  BOOST_TEST(NextTryMs(1, created, created + GIVE_UP_AFTER.count() - 1, RETRY_FIRST).value() ==
             created + GIVE_UP_AFTER.count() - 1 + 1000);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
