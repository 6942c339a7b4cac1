// The runner's pauses: the product's defaults unless a test suite shortens them.

#include <boost/test/unit_test.hpp>

#include <cstdlib>

#include "deploy/runner.hpp"

namespace deployhook {
namespace {

// Sets the timing variables for one test and clears them after it.
struct TimingEnvironment {
  static constexpr const char* NAMES[] = {"DEPLOYHOOK_TEST_QUIET_MS",
                                          "DEPLOYHOOK_TEST_GATHER_LIMIT_MS",
                                          "DEPLOYHOOK_TEST_POLL_MS",
                                          "DEPLOYHOOK_TEST_LOCK_RETRY_MS",
                                          "DEPLOYHOOK_TEST_STOP_GRACE_MS"};
  TimingEnvironment() { Clear(); }
  ~TimingEnvironment() { Clear(); }
  static void Clear() {
    for (const char* name : NAMES) ::unsetenv(name);
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(runner)

BOOST_FIXTURE_TEST_CASE(uses_the_product_pauses_without_test_variables, TimingEnvironment) {
  RunnerTiming timing = RunnerTimingFromEnvironment();
  BOOST_TEST(timing.quiet_time.count() == 1000);
  BOOST_TEST(timing.gather_limit.count() == 5000);
  BOOST_TEST(timing.poll.count() == 30000);  // a fallback: jobs wake the runner
  BOOST_TEST(timing.lock_retry.count() == 1000);
  BOOST_TEST(timing.stop_grace.count() == 30000);
}

BOOST_FIXTURE_TEST_CASE(takes_each_pause_a_test_suite_sets, TimingEnvironment) {
  ::setenv("DEPLOYHOOK_TEST_QUIET_MS", "300", 1);
  ::setenv("DEPLOYHOOK_TEST_GATHER_LIMIT_MS", "900", 1);
  ::setenv("DEPLOYHOOK_TEST_POLL_MS", "200", 1);
  ::setenv("DEPLOYHOOK_TEST_STOP_GRACE_MS", "3000", 1);
  ::setenv("DEPLOYHOOK_TEST_LOCK_RETRY_MS", "100", 1);
  RunnerTiming timing = RunnerTimingFromEnvironment();
  BOOST_TEST(timing.quiet_time.count() == 300);
  BOOST_TEST(timing.gather_limit.count() == 900);
  BOOST_TEST(timing.poll.count() == 200);
  BOOST_TEST(timing.stop_grace.count() == 3000);
  BOOST_TEST(timing.lock_retry.count() == 100);
}

BOOST_FIXTURE_TEST_CASE(ignores_a_value_that_is_not_a_sane_number_of_milliseconds,
                        TimingEnvironment) {
  for (const char* value : {"", "0", "-5", "1.5", "10s", "600001", "99999999999999999999"}) {
    ::setenv("DEPLOYHOOK_TEST_POLL_MS", value, 1);
    BOOST_TEST_CONTEXT(value) { BOOST_TEST(RunnerTimingFromEnvironment().poll.count() == 30000); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
