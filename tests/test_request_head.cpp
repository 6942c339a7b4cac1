// The checks on a request's CGI parameters that run before its body is read.

#include <boost/test/unit_test.hpp>

#include "http/request_head.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

constexpr std::uint64_t MAX_BODY = 1000;

struct Head {
  std::string method = "POST";
  std::optional<std::string> content_length = "10";
  std::string content_type = "application/json";

  HeadCheck Check() const {
    RequestHead head;
    head.method = method;
    if (content_length) head.content_length = *content_length;
    head.content_type = content_type;
    return CheckHead(head, MAX_BODY);
  }
};

// Returns the status name the head is answered with, or "accepted" when its body is to be read.
std::string Answer(const Head& head) {
  std::optional<Outcome> rejection = head.Check().rejection;
  return rejection ? std::string(OutcomeName(*rejection)) : "accepted";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_head)

BOOST_AUTO_TEST_CASE(accepts_json_post_with_length) {
  HeadCheck check = Head{}.Check();
  BOOST_TEST(!check.rejection);
  BOOST_TEST(check.length == 10u);
  BOOST_TEST((check.format == BodyFormat::Json));
}

BOOST_AUTO_TEST_CASE(accepts_form_post) {
  HeadCheck check = Head{"POST", "10", "application/x-www-form-urlencoded"}.Check();
  BOOST_TEST(!check.rejection);
  BOOST_TEST((check.format == BodyFormat::Form));
}

BOOST_AUTO_TEST_CASE(rejects_other_method_before_anything_else) {
  // Every later check would fail too; the method answers first.
  for (std::string method : {"GET", "HEAD", "PUT", "post", ""}) {
    BOOST_TEST_CONTEXT(method) {
      BOOST_TEST(Answer({method, std::nullopt, "text/plain"}) == "method_not_allowed");
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_missing_length_before_size_and_type) {
  BOOST_TEST(Answer({"POST", std::nullopt, "text/plain"}) == "length_required");
}

BOOST_AUTO_TEST_CASE(rejects_oversized_body_before_type) {
  BOOST_TEST(Answer({"POST", "1001", "text/plain"}) == "too_large");
}

BOOST_AUTO_TEST_CASE(rejects_unsupported_content_type_last) {
  BOOST_TEST(Answer({"POST", "1000", "text/plain"}) == "unsupported_media_type");
}

BOOST_AUTO_TEST_CASE(accepts_body_of_exactly_the_limit_and_of_zero_bytes) {
  BOOST_TEST(Answer({"POST", "1000", "application/json"}) == "accepted");
  BOOST_TEST(Answer({"POST", "0", "application/json"}) == "accepted");
}

BOOST_AUTO_TEST_CASE(rejects_unparsable_content_length) {
  // Empty, signed, negative, with spaces, non-digits, hex, decimal point, 20 digits (overflow).
  for (std::string length : {"", "+10", "-1", " 10", "10 ", "1o", "0x10", "1.0",
                             "18446744073709551616", "99999999999999999999"}) {
    BOOST_TEST_CONTEXT("CONTENT_LENGTH=\"" << length << "\"") {
      BOOST_TEST(!ParseContentLength(length));
      BOOST_TEST(Answer({"POST", length, "application/json"}) == "length_required");
    }
  }
}

BOOST_AUTO_TEST_CASE(parses_content_length_up_to_nineteen_digits) {
  BOOST_TEST(ParseContentLength("0").value_or(1) == 0u);
  BOOST_TEST(ParseContentLength("007").value_or(0) == 7u);
  BOOST_TEST(ParseContentLength("9999999999999999999").value_or(0) == 9999999999999999999u);
  // Such a length parses, and is then too large.
  BOOST_TEST(Answer({"POST", "9999999999999999999", "application/json"}) == "too_large");
}

BOOST_AUTO_TEST_CASE(reads_content_type_ignoring_case_and_parameters) {
  for (std::string type : {"application/json", "application/json; charset=utf-8",
                           "Application/JSON", "APPLICATION/JSON;charset=UTF-8",
                           " application/json ; charset=utf-8", "application/json\t"}) {
    BOOST_TEST_CONTEXT(type) { BOOST_TEST((ParseContentType(type) == BodyFormat::Json)); }
  }
  BOOST_TEST((ParseContentType("application/x-www-form-urlencoded; charset=utf-8") ==
              BodyFormat::Form));
  BOOST_TEST((ParseContentType("Application/X-WWW-Form-Urlencoded") == BodyFormat::Form));
}

BOOST_AUTO_TEST_CASE(rejects_other_content_types) {
  for (std::string type : {"", "text/plain", "application/jsonp", "application/json-patch+json",
                           "application/vnd.github+json", "multipart/form-data", "json",
                           "application/ json"}) {
    BOOST_TEST_CONTEXT(type) { BOOST_TEST(!ParseContentType(type)); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
