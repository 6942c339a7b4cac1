// RFC 3339 times and time-ordered identifiers.

#include <boost/test/unit_test.hpp>

#include <set>

#include "util/clock.hpp"

namespace deployhook {
namespace {

// 2026-11-26T21:05:01.123Z
SystemTime Moment() {
  return SystemTime(std::chrono::milliseconds(1795727101123));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(clock)

BOOST_AUTO_TEST_CASE(formats_utc_with_milliseconds) {
  BOOST_TEST(FormatRfc3339(Moment()) == "2026-11-26T21:05:01.123Z");
  BOOST_TEST(FormatRfc3339(SystemTime{}) == "1970-01-01T00:00:00.000Z");
}

BOOST_AUTO_TEST_CASE(makes_ids_that_start_with_the_time) {
  std::string id = NewId(Moment());
  BOOST_TEST(id.starts_with("20261126T210501123Z-"));
  BOOST_TEST(id.size() == std::string("20261126T210501123Z-1a2b3c4d").size());
}

BOOST_AUTO_TEST_CASE(makes_ids_that_sort_by_time_and_differ_at_the_same_time) {
  BOOST_TEST(NewId(Moment()) < NewId(Moment() + std::chrono::milliseconds(1)));
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewId(Moment()));
  BOOST_TEST(ids.size() == 1000u);
}

BOOST_AUTO_TEST_CASE(parses_the_times_it_formats_and_nothing_else) {
  BOOST_TEST((ParseRfc3339(FormatRfc3339(Moment())) == Moment()));
  BOOST_TEST((ParseRfc3339("2026-11-28T08:00:00Z") ==
              ParseRfc3339("2026-11-28T08:00:00.000Z")));
  BOOST_TEST(!ParseRfc3339("2026-11-28T08:00:00").has_value());
  BOOST_TEST(!ParseRfc3339("2026-11-28T08:00:00.5Z").has_value());
  BOOST_TEST(!ParseRfc3339("2026-11-28T08:00:00.000Zjunk").has_value());
  BOOST_TEST(!ParseRfc3339("2026-11-28T08:00:00.0a0Z").has_value());
  BOOST_TEST(!ParseRfc3339("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
