// The run log's "$ ..." lines: argv written so that a shell would split it back the same way.

#include <boost/test/unit_test.hpp>

#include "util/shell_words.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(shell_words)

BOOST_AUTO_TEST_CASE(leaves_plain_words_bare) {
  BOOST_TEST(ShellWords({"docker", "compose", "-f", "/srv/app/compose.yml", "up", "-d"}) ==
             "docker compose -f /srv/app/compose.yml up -d");
  BOOST_TEST(ShellWords({"docker", "tag", "sha256:ab12", "127.0.0.1:5000/app@x"}) ==
             "docker tag sha256:ab12 127.0.0.1:5000/app@x");
}

BOOST_AUTO_TEST_CASE(quotes_words_a_shell_would_split_or_expand) {
  BOOST_TEST(ShellWords({"ls", "/srv/my app"}) == "ls '/srv/my app'");
  BOOST_TEST(ShellWords({"echo", "$HOME", "a;b", "*"}) == "echo '$HOME' 'a;b' '*'");
  BOOST_TEST(ShellWords({"echo", ""}) == "echo ''");
}

BOOST_AUTO_TEST_CASE(writes_a_quote_inside_a_word_as_quote_escaped_quote) {
  BOOST_TEST(ShellWords({"echo", "it's"}) == "echo 'it'\\''s'");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
