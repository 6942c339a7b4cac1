// Redaction: every value a decrypted file holds is replaced wherever it shows, longest first;
// short values are left alone.

#include <boost/test/unit_test.hpp>

#include "source/redactor.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(redactor)

BOOST_AUTO_TEST_CASE(reads_the_values_of_an_env_file_and_other_lines) {
  std::vector<std::string> values = SecretValues(
      "# a comment\nDB_PASSWORD=hunter22-long\nexport API_KEY = \"quoted value\"\n\n  -----BEGIN KEY-----  \nEMPTY=\n");
  BOOST_TEST((values == std::vector<std::string>{"hunter22-long", "quoted value", "-----BEGIN KEY-----"}));
}

BOOST_AUTO_TEST_CASE(replaces_every_occurrence_longest_first) {
  Redactor redactor;
  BOOST_TEST(redactor.Empty());
  redactor.Add("secret");
  redactor.Add("secret-longer");
  redactor.Add("short");  // under MIN_LENGTH
  redactor.Add("secret");
  BOOST_TEST(redactor.Apply("a secret-longer, a secret, secretsecret and short") ==
             "a [redacted], a [redacted], [redacted][redacted] and short");
  BOOST_TEST(redactor.Apply("") == "");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
