#include "signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cassert>

#include "sha256.hpp"

namespace deployhook {
namespace {

constexpr std::string_view PREFIX = "sha256=";

int HexValue(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Digest HmacSha256(std::string_view key, std::string_view data) noexcept {
  Digest out{};
  unsigned int len = 0;
  const unsigned char* result =
      HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  assert(result != nullptr && len == out.size());
  (void)result;
  return out;
}

std::string FormatSignature(const Digest& digest) {
  return std::string(PREFIX) + HexEncode(digest.data(), digest.size());
}

std::optional<Digest> ParseSignatureHeader(std::string_view header) noexcept {
  if (header.size() != PREFIX.size() + 64 || header.substr(0, PREFIX.size()) != PREFIX) {
    return std::nullopt;
  }
  std::string_view hex = header.substr(PREFIX.size());
  Digest digest{};
  for (std::size_t i = 0; i < digest.size(); ++i) {
    int high = HexValue(hex[2 * i]);
    int low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return digest;
}

SignatureResult VerifySignature(std::optional<std::string_view> header, std::string_view body,
                                std::span<const std::string> secrets) {
  SignatureResult result;
  result.matched.assign(secrets.size(), false);
  if (!header) return result;
  std::optional<Digest> claimed = ParseSignatureHeader(*header);
  if (!claimed) {
    result.check = SignatureCheck::Malformed;
    return result;
  }
  bool any = false;
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    Digest expected = HmacSha256(secrets[i], body);
    bool match = CRYPTO_memcmp(expected.data(), claimed->data(), expected.size()) == 0;
    result.matched[i] = match;
    any = any || match;
  }
  result.check = any ? SignatureCheck::Valid : SignatureCheck::Mismatch;
  return result;
}

std::string_view SignatureCheckName(SignatureCheck check) noexcept {
  switch (check) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Missing: return "missing";
    case SignatureCheck::Malformed: return "malformed";
    case SignatureCheck::Mismatch: return "mismatch";
  }
  return "unknown";
}

}  // namespace deployhook
