#include "util/signature.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <cassert>
#include <cstdlib>
#include <memory>

#include "util/hex.hpp"
#include "util/sha256.hpp"

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

EVP_MAC_CTX* NewHmacSha256Context() noexcept {
  static EVP_MAC* const hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* context = hmac ? EVP_MAC_CTX_new(hmac) : nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (context && EVP_MAC_CTX_set_params(context, params) != 1) {
    EVP_MAC_CTX_free(context);
    return nullptr;
  }
  return context;
}

}  // namespace

Digest HmacSha256(std::string_view key, std::string_view data) noexcept {
  // OpenSSL 3's one-shot HMAC() looks the algorithms up on every call; fetched once, with a
  // context per thread that already knows its digest, an HMAC costs the hashing and little else.
  thread_local std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> context(
      NewHmacSha256Context(), EVP_MAC_CTX_free);
  // Never a null key: HMAC would take that for "the key of the previous call".
  static constexpr unsigned char EMPTY_KEY[1] = {0};
  const auto* key_bytes = key.empty() ? EMPTY_KEY : reinterpret_cast<const unsigned char*>(key.data());
  Digest out{};
  std::size_t length = 0;
  bool ok = context && EVP_MAC_init(context.get(), key_bytes, key.size(), nullptr) == 1 &&
            EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1 &&
            EVP_MAC_final(context.get(), out.data(), &length, out.size()) == 1;
  // Only running out of memory fails here, and a digest of zeros must never verify anything.
  if (!ok || length != out.size()) std::abort();
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
