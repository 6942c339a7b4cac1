// Fuzzes the X-Hub-Signature-256 check, which runs on every client's header and body before
// anything else of the delivery is trusted. Input: the header value on the first line, the body
// after it.

#include <algorithm>
#include <array>
#include <string>

#include "harness.hpp"
#include "util/signature.hpp"

namespace {

using namespace deployhook;

// The other secrets of tests/fixtures/signatures.json, so its vectors verify as seeds.
const std::array<std::string, 4> SECRETS = {
    std::string(fuzz::SECRET_GITHUB_DOCS), "secret", "mysecret", "development"};

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

// A header parses exactly when it is "sha256=" and 64 hex digits, and then carries those digits.
void CheckParse(std::string_view header) {
  std::optional<Digest> digest = ParseSignatureHeader(header);
  bool well_formed = header.size() == 71 && header.starts_with("sha256=") &&
                     header.find_first_not_of("0123456789abcdefABCDEF", 7) == std::string_view::npos;
  FUZZ_REQUIRE(digest.has_value() == well_formed);
  if (digest) FUZZ_REQUIRE(FormatSignature(*digest) == "sha256=" + Lowercase(header.substr(7)));
}

// The header verifies under exactly the secrets whose HMAC it spells, in either hex case.
void CheckVerify(std::string_view header, std::string_view body) {
  SignatureResult result = VerifySignature(header, body, SECRETS);
  FUZZ_REQUIRE(result.matched.size() == SECRETS.size());
  bool any = false;
  for (std::size_t i = 0; i < SECRETS.size(); ++i) {
    bool spelled = "sha256=" + Lowercase(header.substr(std::min<std::size_t>(7, header.size()))) ==
                       FormatSignature(HmacSha256(SECRETS[i], body)) &&
                   header.starts_with("sha256=");
    FUZZ_REQUIRE(result.matched[i] == spelled);
    any = any || spelled;
  }
  if (any) {
    FUZZ_REQUIRE(result.check == SignatureCheck::Valid);
  } else {
    FUZZ_REQUIRE(result.check == (ParseSignatureHeader(header) ? SignatureCheck::Mismatch
                                                               : SignatureCheck::Malformed));
  }
}

// What GitHub would send for this body verifies; no header at all never does.
void CheckRoundTrip(std::string_view body) {
  std::string header = FormatSignature(HmacSha256(SECRETS[0], body));
  SignatureResult signed_result = VerifySignature(header, body, SECRETS);
  FUZZ_REQUIRE(signed_result.check == SignatureCheck::Valid && signed_result.matched[0]);
  SignatureResult missing = VerifySignature(std::nullopt, body, SECRETS);
  FUZZ_REQUIRE(missing.check == SignatureCheck::Missing);
  FUZZ_REQUIRE(std::none_of(missing.matched.begin(), missing.matched.end(), [](bool m) { return m; }));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string_view> fields = fuzz::SplitFields(fuzz::AsText(data, size), 2);
  std::string_view header = fields[0];
  std::string_view body = fields.size() > 1 ? fields[1] : std::string_view{};
  CheckParse(header);
  CheckVerify(header, body);
  CheckRoundTrip(body);
  return 0;
}
