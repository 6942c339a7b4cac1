#include "forge/event_reading.hpp"

namespace deployhook {

EventResult OtherEvent(EventKind kind, std::string_view event, std::string_view json) {
  EventResult result;
  result.error = CheckJsonObject(json);
  result.ok = result.error.empty();
  result.event.kind = kind;
  result.event.name.assign(event);
  return result;
}

bool StartEvent(EventKind kind, std::string_view event, std::string_view json,
                JsonDocument& document, EventResult& result) {
  document = ParseJsonObject(json);
  result.event.kind = kind;
  result.event.name.assign(event);
  if (document.error.empty()) return true;
  result.error = document.error;
  return false;
}

}  // namespace deployhook
