#include "config/notifier_kind.hpp"

#include "util/name_table.hpp"

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
  return ValueNamed(ALL_NOTIFIER_KINDS, name);
}

}  // namespace deployhook
