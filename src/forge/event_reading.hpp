#pragma once
// What every forge's payload reader shares: an Event started from one verified JSON object.

#include <string_view>

#include "forge/forge.hpp"
#include "forge/payload.hpp"

namespace deployhook {

// Returns an Event of `kind` named `event` for a body that is one JSON object, else the error:
// for events whose content decides nothing (pings, events deployhook ignores).
EventResult OtherEvent(EventKind kind, std::string_view event, std::string_view json);

// Parses `json` into `document` and starts `result` as an Event of `kind` named `event`.
// Returns false, with result.error set, when the body is not one JSON object.
bool StartEvent(EventKind kind, std::string_view event, std::string_view json,
                JsonDocument& document, EventResult& result);

}  // namespace deployhook
