// application/x-www-form-urlencoded bodies: URL decoding and the `payload` field.

#include <boost/test/unit_test.hpp>

#include "http/form.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(form)

BOOST_AUTO_TEST_CASE(decodes_plus_as_space) {
  BOOST_TEST(UrlDecode("a+b++c").value_or("?") == "a b  c");
}

BOOST_AUTO_TEST_CASE(decodes_percent_escapes_in_either_case) {
  BOOST_TEST(UrlDecode("%7B%22a%22%3a%20%22z%22%7d").value_or("?") == R"({"a": "z"})");
  BOOST_TEST(UrlDecode("%2B").value_or("?") == "+");  // an escaped plus stays a plus
  BOOST_TEST(UrlDecode("%25").value_or("?") == "%");
  BOOST_TEST(UrlDecode("%E2%99%A5").value_or("?") == "\xe2\x99\xa5");
  BOOST_TEST(UrlDecode("%00").value_or("?") == std::string(1, '\0'));
}

BOOST_AUTO_TEST_CASE(keeps_other_bytes_as_they_are) {
  BOOST_TEST(UrlDecode("refs/heads/main=ok&x").value_or("?") == "refs/heads/main=ok&x");
  BOOST_TEST(UrlDecode("").value_or("?") == "");
}

BOOST_AUTO_TEST_CASE(rejects_broken_escapes) {
  // Each ends too early or has a non-hex digit after '%'.
  for (std::string_view text : {"%", "%4", "abc%", "abc%7", "%zz", "%4g", "%g4", "% 41", "%%41"}) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!UrlDecode(text)); }
  }
}

BOOST_AUTO_TEST_CASE(finds_payload_field_and_decodes_it) {
  std::string json = testing::ReadFixture("vectors/octokit-methods-escape-unicode.json");
  std::string body = "payload=" + testing::FormEncode(json);
  BOOST_TEST(FormField(body, "payload").value_or("?") == json);
  BOOST_TEST(FormField("a=1&payload=%7B%7D&b=2", "payload").value_or("?") == "{}");
}

BOOST_AUTO_TEST_CASE(returns_nothing_for_absent_field) {
  BOOST_TEST(!FormField("", "payload"));
  BOOST_TEST(!FormField("a=1&b=2", "payload"));
  // Names are matched whole, not by prefix or suffix.
  BOOST_TEST(!FormField("payloads=1&my_payload=2&payloa=3", "payload"));
}

BOOST_AUTO_TEST_CASE(returns_first_of_duplicate_fields) {
  BOOST_TEST(FormField("payload=first&payload=second", "payload").value_or("?") == "first");
}

BOOST_AUTO_TEST_CASE(matches_encoded_field_names) {
  BOOST_TEST(FormField("pay%6Coad=x", "payload").value_or("?") == "x");
}

BOOST_AUTO_TEST_CASE(reads_field_without_value_as_empty) {
  BOOST_TEST(FormField("payload&x=1", "payload").value_or("?") == "");
  BOOST_TEST(FormField("payload=", "payload").value_or("?") == "");
}

BOOST_AUTO_TEST_CASE(returns_nothing_for_badly_encoded_value) {
  BOOST_TEST(!FormField("payload=%7", "payload"));
  // A broken field before the one asked for does not hide it.
  BOOST_TEST(FormField("x%=1&payload=ok", "payload").value_or("?") == "ok");
}

BOOST_AUTO_TEST_CASE(encodes_all_but_unreserved_bytes_and_decodes_back) {
  BOOST_TEST(UrlEncode("group/sub.app-1_~") == "group%2Fsub.app-1_~");
  BOOST_TEST(UrlEncode("a b+\xff") == "a%20b%2B%FF");
  BOOST_TEST(UrlDecode(UrlEncode("any \x01 bytes/%+")).value() == "any \x01 bytes/%+");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
