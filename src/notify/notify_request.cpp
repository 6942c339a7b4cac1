#include "notify/notify_request.hpp"

#include "notify/standard_webhooks.hpp"

namespace deployhook {

HttpRequest NotifyRequest(const Notifier& notifier, const OutboxMessage& message,
                          std::int64_t now_seconds) {
  HttpRequest request{notifier.url, message.headers, message.body, notifier.ca_file};
  if (notifier.kind == NotifierKind::Webhook) {
    for (auto& header :
         StandardWebhookHeaders(notifier.secret, message.id, now_seconds, message.body)) {
      request.headers.push_back(std::move(header));
    }
  }
  return request;
}

}  // namespace deployhook
