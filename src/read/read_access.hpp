#pragma once
// Who may read what on the read side: closed (404) without a token configured; with one, only
// `Authorization: Bearer <token>` (compared in constant time); badges optionally public.

#include <optional>
#include <string>
#include <string_view>

#include "read/read_route.hpp"

namespace deployhook {

enum class ReadAccess { Open, Closed, Unauthorized };

// Returns whether `route` may be answered to a request sending `authorization`.
ReadAccess CheckReadAccess(const ReadRoute& route, std::optional<std::string_view> authorization,
                           const std::optional<std::string>& token, bool public_badges) noexcept;

}  // namespace deployhook
