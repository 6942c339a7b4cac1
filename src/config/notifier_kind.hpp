#pragma once
// The kinds of [[notify]] table: which formatter shapes a message, and how it is sent.

#include <array>
#include <optional>
#include <string_view>

namespace deployhook {

enum class NotifierKind { Webhook, Ntfy, Slack, Discord };

constexpr std::array<NotifierKind, 4> ALL_NOTIFIER_KINDS = {
    NotifierKind::Webhook, NotifierKind::Ntfy, NotifierKind::Slack, NotifierKind::Discord};

// Returns the kind's name as `kind` in the config and the outbox says it ("webhook", ...).
std::string_view Name(NotifierKind kind) noexcept;

// Returns the kind named `name`, or nothing when no kind has that name.
std::optional<NotifierKind> ParseNotifierKind(std::string_view name) noexcept;

}  // namespace deployhook
