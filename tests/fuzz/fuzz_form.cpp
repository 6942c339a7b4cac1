// Fuzzes the decoding of application/x-www-form-urlencoded bodies, GitHub's other delivery
// format: the JSON is the URL-encoded `payload` field. Input: a whole form body.

#include <string>

#include "http/form.hpp"
#include "harness.hpp"

using namespace deployhook;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body = fuzz::AsText(data, size);

  // Decoding never grows the text; an input without '%' or '+' decodes to itself.
  std::optional<std::string> decoded = UrlDecode(body);
  if (decoded) FUZZ_REQUIRE(decoded->size() <= body.size());
  if (body.find_first_of("%+") == std::string_view::npos) FUZZ_REQUIRE(decoded == body);

  // Whatever the form holds, its payload field is either absent, broken, or some bytes.
  std::optional<std::string> payload = FormField(body, "payload");
  if (payload) FUZZ_REQUIRE(payload->size() <= body.size());

  // Any bytes survive a round trip through a form body, wherever the field stands in it.
  std::string encoded = UrlEncode(body);
  FUZZ_REQUIRE(UrlDecode(encoded) == body);
  FUZZ_REQUIRE(FormField("payload=" + encoded, "payload") == body);
  FUZZ_REQUIRE(FormField("a=1&payload=" + encoded + "&payload=2", "payload") == body);
  FUZZ_REQUIRE(FormField("payloads=" + encoded, "payload") == std::nullopt);
  return 0;
}
