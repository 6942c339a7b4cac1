#pragma once
// One pure formatter per notifier kind: a run event in, the request's headers and body out.

#include <string>
#include <string_view>

#include "config/notifier_kind.hpp"
#include "util/http_client.hpp"
#include "notify/run_event.hpp"

namespace deployhook {

struct FormattedMessage {
  HttpHeaders headers;
  std::string body;
};

// Each formatter's output tail is bounded to this much of the run's output.
constexpr std::size_t TAIL_LINES = 15;
constexpr std::size_t TAIL_BYTES = 1500;

// The run record as JSON (SerializeRun; "result" is "started" when the run starts, "kind" and
// "result" are "test" for a test message). The
// Standard-Webhooks signature is added when it is sent (its timestamp is the attempt's).
FormattedMessage FormatWebhook(const RunEvent& event);
// {"text": ...} for Slack, Mattermost and Rocket.Chat incoming webhooks.
FormattedMessage FormatSlack(const RunEvent& event);
// {"content": ...} for a Discord webhook; mentions in the output never ping anyone.
FormattedMessage FormatDiscord(const RunEvent& event);
// Plain text with Title, Priority and Tags headers for ntfy.
FormattedMessage FormatNtfy(const RunEvent& event);

// Returns the message for notifier kind `kind` (webhook, slack, discord or ntfy).
FormattedMessage FormatFor(NotifierKind kind, const RunEvent& event);

}  // namespace deployhook
