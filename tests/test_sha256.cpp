// SHA-256 in hex, against the FIPS 180-2 examples.

#include <boost/test/unit_test.hpp>

#include "util/sha256.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(sha256)

BOOST_AUTO_TEST_CASE(hashes_the_standard_examples) {
  BOOST_TEST(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  BOOST_TEST(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

BOOST_AUTO_TEST_CASE(hashes_bytes_past_a_nul) {
  BOOST_TEST(Sha256Hex(std::string("a\0b", 3)) != Sha256Hex("a"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
