// Hex digits and the commit ids forges send.

#include <boost/test/unit_test.hpp>

#include <string>

#include "util/hex.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(hex)

BOOST_AUTO_TEST_CASE(reads_hex_digits_of_either_case) {
  BOOST_TEST(HexDigitValue('0') == 0);
  BOOST_TEST(HexDigitValue('a') == 10);
  BOOST_TEST(HexDigitValue('F') == 15);
  BOOST_TEST(HexDigitValue('g') == -1);
  BOOST_TEST(HexDigitValue('/') == -1);
}

BOOST_AUTO_TEST_CASE(a_commit_id_is_40_or_64_hex_digits) {
  BOOST_TEST(IsCommitId("366701fde727cb7a9e7f21eb88264f59f6f9b89c"));
  BOOST_TEST(IsCommitId("ABCDEF0123456789ABCDEF0123456789ABCDEF01"));
  BOOST_TEST(IsCommitId(std::string(40, '0')));  // a deletion's
  // A SHA-256 repository's.
  BOOST_TEST(IsCommitId("8f2b0c4e6a1d3f5b7c9e0a2c4e6f8a1b3d5f7a9c0e2b4d6f8a0c2e4b6d8f0a1c"));
}

BOOST_AUTO_TEST_CASE(refuses_what_is_not_a_full_commit_id) {
  for (std::string bad : {std::string(), std::string("366701f"), std::string(39, 'a'),
                          std::string(41, 'a'), std::string(63, 'a'), std::string(65, 'a'),
                          std::string(40, 'z'), std::string("../../../../user/repos"),
                          std::string(39, 'a') + "/", std::string(39, 'a') + " "}) {
    BOOST_TEST(!IsCommitId(bad), bad);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
