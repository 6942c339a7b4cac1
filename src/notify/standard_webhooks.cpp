#include "notify/standard_webhooks.hpp"

#include <openssl/evp.h>

#include <optional>

#include "util/signature.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SECRET_PREFIX = "whsec_";

// Returns the decoded bytes, or nothing for text that is not padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(text.data()),
                               static_cast<int>(text.size()));
  if (length < 0) return std::nullopt;
  // EVP_DecodeBlock counts the padding as zero bytes.
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
  out.resize(static_cast<std::size_t>(length) - padding);
  return out;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out((bytes.size() + 2) / 3 * 4 + 1, '\0');
  int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                               reinterpret_cast<const unsigned char*>(bytes.data()),
                               static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::string WebhookSigningKey(std::string_view secret) {
  if (secret.starts_with(SECRET_PREFIX)) {
    if (std::optional<std::string> key = Base64Decode(secret.substr(SECRET_PREFIX.size()))) {
      return *key;
    }
  }
  return std::string(secret);
}

std::string StandardWebhookSignature(std::string_view secret, std::string_view id,
                                     std::int64_t timestamp, std::string_view body) {
  std::string signed_content = std::string(id) + "." + std::to_string(timestamp) + ".";
  signed_content += body;
  Digest digest = HmacSha256(WebhookSigningKey(secret), signed_content);
  return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(digest.data()),
                                               digest.size()));
}

HttpHeaders StandardWebhookHeaders(std::string_view secret, std::string_view id,
                                   std::int64_t timestamp, std::string_view body) {
  return {{"webhook-id", std::string(id)},
          {"webhook-timestamp", std::to_string(timestamp)},
          {"webhook-signature", StandardWebhookSignature(secret, id, timestamp, body)}};
}

}  // namespace deployhook
