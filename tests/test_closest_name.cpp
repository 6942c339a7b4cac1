// "Did you mean ...?" for a mistyped config key.

#include <boost/test/unit_test.hpp>

#include <array>

#include "util/closest_name.hpp"

namespace deployhook {
namespace {

constexpr std::array<std::string_view, 5> KEYS = {"services", "secret_file", "state_dir",
                                                  "listen", "rollback"};

}  // namespace

BOOST_AUTO_TEST_SUITE(closest_name)

BOOST_AUTO_TEST_CASE(suggests_key_with_a_letter_missing_added_or_wrong) {
  BOOST_TEST(ClosestName("servics", KEYS).value_or("") == "services");
  BOOST_TEST(ClosestName("servicess", KEYS).value_or("") == "services");
  BOOST_TEST(ClosestName("sarvices", KEYS).value_or("") == "services");
  BOOST_TEST(ClosestName("listn", KEYS).value_or("") == "listen");
}

BOOST_AUTO_TEST_CASE(counts_two_swapped_letters_as_one_typo) {
  BOOST_TEST(ClosestName("servcies", KEYS).value_or("") == "services");
  BOOST_TEST(ClosestName("rollbakc", KEYS).value_or("") == "rollback");
}

BOOST_AUTO_TEST_CASE(suggests_nothing_for_a_word_unlike_every_key) {
  BOOST_TEST(!ClosestName("image_timeout", KEYS));
  BOOST_TEST(!ClosestName("x", KEYS));
  BOOST_TEST(!ClosestName("", KEYS));
  // Two edits in a two-letter word replace all of it.
  BOOST_TEST(!ClosestName("ab", std::array<std::string_view, 1>{"cd"}));
}

BOOST_AUTO_TEST_CASE(suggests_nothing_for_a_very_long_word) {
  BOOST_TEST(!ClosestName(std::string(10000, 's'), KEYS));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
