// Standard-Webhooks signatures for outgoing webhooks.

#include <boost/test/unit_test.hpp>

#include "notify/standard_webhooks.hpp"
#include "util/base64.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(standard_webhooks)

// The expected values below were computed independently with Python:
//   base64.b64encode(hmac.new(KEY, b'msg_1.1700000000.{"id":"r1"}', hashlib.sha256).digest())
// with KEY = b"topsecret", and with KEY = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").
BOOST_AUTO_TEST_CASE(signs_id_timestamp_and_body_with_a_plain_secret_as_its_bytes) {
  BOOST_TEST(StandardWebhookSignature("topsecret", "msg_1", 1700000000, R"({"id":"r1"})") ==
             "v1,GtCNe6+yBMYgv4WmXATLhLVHvS8SKn8cwieI6LG9JWs=");
}

BOOST_AUTO_TEST_CASE(decodes_a_whsec_secret_as_the_standard_defines) {
  BOOST_TEST(StandardWebhookSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1",
                                      1700000000, R"({"id":"r1"})") ==
             "v1,hy+dx0kQrEwln/Aj6xzKVM8gq3vFfR22dr394EuVcp0=");
}

BOOST_AUTO_TEST_CASE(uses_a_whsec_secret_that_is_not_base64_as_its_bytes) {
  BOOST_TEST(WebhookSigningKey("whsec_not base64!") == "whsec_not base64!");
  BOOST_TEST(WebhookSigningKey("whsec_c2VjcmV") == "whsec_c2VjcmV");  // 7 base64 characters
  BOOST_TEST(WebhookSigningKey("whsec_c2VjcmV0") == "secret");
  BOOST_TEST(WebhookSigningKey("whsec_c2VjcmV0Cg==") == "secret\n");
  BOOST_TEST(WebhookSigningKey("whsec_YWI=") == "ab");
}

BOOST_AUTO_TEST_CASE(names_the_three_headers) {
  HttpHeaders headers = StandardWebhookHeaders("topsecret", "msg_1", 1700000000, R"({"id":"r1"})");
  BOOST_REQUIRE(headers.size() == 3);
  BOOST_TEST(headers[0].first == "webhook-id");
  BOOST_TEST(headers[0].second == "msg_1");
  BOOST_TEST(headers[1].first == "webhook-timestamp");
  BOOST_TEST(headers[1].second == "1700000000");
  BOOST_TEST(headers[2].first == "webhook-signature");
  BOOST_TEST(headers[2].second == "v1,GtCNe6+yBMYgv4WmXATLhLVHvS8SKn8cwieI6LG9JWs=");
}

BOOST_AUTO_TEST_CASE(encodes_base64_with_padding) {
  BOOST_TEST(Base64Encode("") == "");
  BOOST_TEST(Base64Encode("a") == "YQ==");
  BOOST_TEST(Base64Encode("ab") == "YWI=");
  BOOST_TEST(Base64Encode("abc") == "YWJj");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
