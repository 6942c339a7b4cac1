#include "config/notifier_kind.hpp"

namespace deployhook {

std::string_view Name(NotifierKind kind) noexcept {
  switch (kind) {
    case NotifierKind::Webhook: return "webhook";
    case NotifierKind::Ntfy: return "ntfy";
    case NotifierKind::Slack: return "slack";
    case NotifierKind::Discord: return "discord";
  }
  return "webhook";  // not reached: every enumerator is named above
}

std::optional<NotifierKind> ParseNotifierKind(std::string_view name) noexcept {
  for (NotifierKind kind : ALL_NOTIFIER_KINDS) {
    if (Name(kind) == name) return kind;
  }
  return std::nullopt;
}

}  // namespace deployhook
