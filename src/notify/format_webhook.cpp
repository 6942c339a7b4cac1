#include "notify/format.hpp"

namespace deployhook {

FormattedMessage FormatWebhook(const RunEvent& event) {
  // A start says "started" in "result"; a test message says "test" in "kind" and "result".
  std::string_view kind = event.event == NotifyEvent::Test ? Name(event.event) : Name(event.run.kind);
  return {{{"Content-Type", "application/json"}}, SerializeRun(event.run, kind, Name(event.event))};
}

FormattedMessage FormatFor(NotifierKind kind, const RunEvent& event) {
  switch (kind) {
    case NotifierKind::Webhook: return FormatWebhook(event);
    case NotifierKind::Slack: return FormatSlack(event);
    case NotifierKind::Discord: return FormatDiscord(event);
    case NotifierKind::Ntfy: return FormatNtfy(event);
  }
  return FormatNtfy(event);  // not reached: every enumerator is listed above
}

}  // namespace deployhook
