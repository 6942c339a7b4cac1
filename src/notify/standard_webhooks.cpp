#include "notify/standard_webhooks.hpp"

#include <optional>

#include "util/base64.hpp"
#include "util/signature.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SECRET_PREFIX = "whsec_";

}  // namespace

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
