#pragma once
// Proofs that a body came from whoever holds a secret: an HMAC-SHA256 of the raw body in hex
// (with GitHub's "sha256=" prefix or bare, as Gitea sends it), or the secret itself (GitLab).

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

using Digest = std::array<std::uint8_t, 32>;

enum class SignatureCheck { Valid, Missing, Malformed, Mismatch };

// How an HMAC is written in its header.
enum class DigestFormat { Prefixed, BareHex };  // "sha256=<64 hex>" or "<64 hex>"

struct SignatureResult {
  SignatureCheck check = SignatureCheck::Missing;
  // matched[i] is true when secrets[i] verifies the body; all false unless check is Valid.
  // At most one is true: the secrets are distinct, and trying stops at the first match.
  std::vector<bool> matched;
  // How many secrets were tried (one HMAC, or one token hash, each): what the proof cost.
  std::size_t tried = 0;
};

// Returns HMAC-SHA256(key, data).
Digest HmacSha256(std::string_view key, std::string_view data) noexcept;

// Returns the header value GitHub would send for `digest`: "sha256=<64 lowercase hex>".
std::string FormatSignature(const Digest& digest);

// Returns the digest a header carries, or nothing unless it is exactly "sha256=" + 64 hex digits.
std::optional<Digest> ParseSignatureHeader(std::string_view header) noexcept;

// Returns the digest 64 hex digits (either case) spell, or nothing for anything else.
std::optional<Digest> ParseHexDigest(std::string_view hex) noexcept;

// Returns which of `secrets` sign `body` as `header` says, comparing in constant time. A missing
// header is an empty optional. Secrets are tried in order up to the first that matches: the
// cost of a bogus body grows with the number of secrets offered, so offer only those that may
// have signed it (a per-target path offers one).
SignatureResult VerifySignature(std::optional<std::string_view> header, std::string_view body,
                                std::span<const std::string> secrets,
                                DigestFormat format = DigestFormat::Prefixed);

// Returns which of `secrets` equal `token`, up to the first that does. Both sides are hashed
// before a constant-time compare, so neither the content nor the length of a secret shows in
// the timing.
SignatureResult VerifyToken(std::optional<std::string_view> token,
                            std::span<const std::string> secrets);

std::string_view SignatureCheckName(SignatureCheck check) noexcept;

}  // namespace deployhook
