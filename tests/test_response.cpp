// Every answer's HTTP status and status name, and its CGI form.

#include <simdjson.h>

#include <boost/test/unit_test.hpp>

#include "http/response.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

struct Expected {
  Outcome outcome;
  int status;
  std::string_view name;
};

// SPEC's table, row by row.
constexpr Expected TABLE[] = {
    {Outcome::MethodNotAllowed, 405, "method_not_allowed"},
    {Outcome::LengthRequired, 411, "length_required"},
    {Outcome::TooLarge, 413, "too_large"},
    {Outcome::UnsupportedMediaType, 415, "unsupported_media_type"},
    {Outcome::BadRequest, 400, "bad_request"},
    {Outcome::InvalidSignature, 401, "invalid_signature"},
    {Outcome::BadPayload, 400, "bad_payload"},
    {Outcome::Pong, 200, "pong"},
    {Outcome::Ignored, 200, "ignored"},
    {Outcome::Duplicate, 200, "duplicate"},
    {Outcome::Queued, 202, "queued"},
    {Outcome::Unavailable, 503, "unavailable"},
    {Outcome::Error, 500, "error"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(response)

BOOST_AUTO_TEST_CASE(maps_every_outcome_to_its_status_and_name) {
  for (const Expected& row : TABLE) {
    BOOST_TEST_CONTEXT(row.name) {
      BOOST_TEST(HttpStatus(row.outcome) == row.status);
      BOOST_TEST(OutcomeName(row.outcome) == row.name);
    }
  }
}

BOOST_AUTO_TEST_CASE(answers_every_outcome_with_a_json_status_object) {
  simdjson::dom::parser parser;
  for (const Expected& row : TABLE) {
    BOOST_TEST_CONTEXT(row.name) {
      Response response = MakeResponse(row.outcome);
      BOOST_TEST(response.status == row.status);
      BOOST_TEST(response.body == "{\"status\":\"" + std::string(row.name) + "\"}\n");
      std::string_view status;
      BOOST_TEST(!parser.parse(response.body)["status"].get_string().get(status));
      BOOST_TEST(status == row.name);
    }
  }
}

BOOST_AUTO_TEST_CASE(method_not_allowed_carries_allow_post) {
  Response response = MakeResponse(Outcome::MethodNotAllowed);
  BOOST_TEST_REQUIRE(response.headers.size() == 1u);
  BOOST_TEST(response.headers[0].first == "Allow");
  BOOST_TEST(response.headers[0].second == "POST");
}

BOOST_AUTO_TEST_CASE(no_other_outcome_carries_extra_headers) {
  for (const Expected& row : TABLE) {
    if (row.outcome == Outcome::MethodNotAllowed) continue;
    BOOST_TEST_CONTEXT(row.name) { BOOST_TEST(MakeResponse(row.outcome).headers.empty()); }
  }
}

BOOST_AUTO_TEST_CASE(keeps_fields_added_after_the_status) {
  Response response =
      MakeResponse(Outcome::Ignored, StatusObject(Outcome::Ignored).Add("reason", "push is a tag"));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "{\"status\":\"ignored\",\"reason\":\"push is a tag\"}\n");
}

BOOST_AUTO_TEST_CASE(formats_cgi_response_with_status_type_headers_and_body) {
  BOOST_TEST(FormatCgiResponse(MakeResponse(Outcome::MethodNotAllowed)) ==
             "Status: 405\r\n"
             "Content-Type: application/json\r\n"
             "Allow: POST\r\n"
             "\r\n"
             "{\"status\":\"method_not_allowed\"}\n");
  BOOST_TEST(FormatCgiResponse(MakeResponse(Outcome::Queued)) ==
             "Status: 202\r\nContent-Type: application/json\r\n\r\n{\"status\":\"queued\"}\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
