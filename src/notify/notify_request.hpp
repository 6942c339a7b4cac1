#pragma once
// Turns a stored notification into the request that sends it.

#include <cstdint>

#include "config/config.hpp"
#include "util/http_client.hpp"
#include "notify/outbox.hpp"

namespace deployhook {

// Returns the request delivering `message` through `notifier` at `now_seconds` (Unix time):
// its URL, its stored headers and body, and for a webhook the Standard-Webhooks signature.
HttpRequest NotifyRequest(const Notifier& notifier, const OutboxMessage& message,
                          std::int64_t now_seconds);

}  // namespace deployhook
