#pragma once
// Signing outgoing webhooks the Standard Webhooks way (standardwebhooks.com).

#include <cstdint>
#include <string>
#include <string_view>

#include "util/http_client.hpp"

namespace deployhook {

// Returns the HMAC key a secret stands for: a "whsec_<base64>" secret is that base64 decoded
// (as the standard defines), anything else (or undecodable base64) its own bytes.
std::string WebhookSigningKey(std::string_view secret);

// Returns "v1,<base64 of HMAC-SHA256(key, id + '.' + timestamp + '.' + body)>".
std::string StandardWebhookSignature(std::string_view secret, std::string_view id,
                                     std::int64_t timestamp, std::string_view body);

// Returns the webhook-id, webhook-timestamp and webhook-signature headers.
HttpHeaders StandardWebhookHeaders(std::string_view secret, std::string_view id,
                                   std::int64_t timestamp, std::string_view body);

}  // namespace deployhook
