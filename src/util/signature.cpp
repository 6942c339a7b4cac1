#include "signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cassert>

#include "hex.hpp"
#include "sha256.hpp"

namespace deployhook {
namespace {

constexpr std::string_view PREFIX = "sha256=";

Digest Sha256Digest(std::string_view data) noexcept {
  Digest out{};
  unsigned int length = 0;
  int ok = EVP_Digest(data.data(), data.size(), out.data(), &length, EVP_sha256(), nullptr);
  assert(ok == 1 && length == out.size());
  (void)ok;
  return out;
}

bool SameDigest(const Digest& a, const Digest& b) noexcept {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Returns a result for a proof that could be read, with matched[i] = `match(i)` for every
// secret (all of them tried, whatever matched first).
template <typename Match>
SignatureResult MatchEvery(std::span<const std::string> secrets, Match match) {
  SignatureResult result;
  result.matched.assign(secrets.size(), false);
  bool any = false;
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    bool matched = match(secrets[i]);
    result.matched[i] = matched;
    any = any || matched;
  }
  result.check = any ? SignatureCheck::Valid : SignatureCheck::Mismatch;
  return result;
}

SignatureResult Unread(std::span<const std::string> secrets, SignatureCheck check) {
  SignatureResult result;
  result.check = check;
  result.matched.assign(secrets.size(), false);
  return result;
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

std::optional<Digest> ParseHexDigest(std::string_view hex) noexcept {
  Digest digest{};
  if (hex.size() != 2 * digest.size()) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    int high = HexDigitValue(hex[2 * i]);
    int low = HexDigitValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<std::uint8_t>(high << 4 | low);
  }
  return digest;
}

std::optional<Digest> ParseSignatureHeader(std::string_view header) noexcept {
  if (!header.starts_with(PREFIX)) return std::nullopt;
  return ParseHexDigest(header.substr(PREFIX.size()));
}

SignatureResult VerifySignature(std::optional<std::string_view> header, std::string_view body,
                                std::span<const std::string> secrets, DigestFormat format) {
  if (!header) return Unread(secrets, SignatureCheck::Missing);
  std::optional<Digest> claimed =
      format == DigestFormat::Prefixed ? ParseSignatureHeader(*header) : ParseHexDigest(*header);
  if (!claimed) return Unread(secrets, SignatureCheck::Malformed);
  return MatchEvery(secrets, [&](const std::string& secret) {
    return SameDigest(HmacSha256(secret, body), *claimed);
  });
}

SignatureResult VerifyToken(std::optional<std::string_view> token,
                            std::span<const std::string> secrets) {
  if (!token) return Unread(secrets, SignatureCheck::Missing);
  if (token->empty()) return Unread(secrets, SignatureCheck::Malformed);
  Digest claimed = Sha256Digest(*token);
  return MatchEvery(secrets, [&](const std::string& secret) {
    return SameDigest(Sha256Digest(secret), claimed);
  });
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
