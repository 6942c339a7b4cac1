// Fuzzes the decoding of application/x-www-form-urlencoded bodies, GitHub's other delivery
// format: the JSON is the URL-encoded `payload` field. Input: a whole form body.

#include <string>

#include "form.hpp"
#include "harness.hpp"

namespace {

using namespace deployhook;

// Returns `bytes` encoded as a browser would: unreserved characters bare, every other byte %XX.
std::string UrlEncode(std::string_view bytes) {
  static constexpr char HEX[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    bool bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (bare) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += HEX[c >> 4];
      out += HEX[c & 0xf];
    }
  }
  return out;
}

}  // namespace

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
