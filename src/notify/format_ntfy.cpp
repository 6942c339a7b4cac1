#include "notify/format.hpp"
#include "notify/summary.hpp"

namespace deployhook {
namespace {

// ntfy tags that are emoji short codes show as that emoji before the title.
std::string_view TagFor(NotifyEvent event) {
  switch (event) {
    case NotifyEvent::Started: return "rocket";
    case NotifyEvent::Test: return "test_tube";
    case NotifyEvent::Succeeded: return "white_check_mark";
    case NotifyEvent::Unchanged: return "zzz";
    case NotifyEvent::RolledBack: return "rewind";
    case NotifyEvent::Stale:
    case NotifyEvent::TimedOut: return "hourglass";
    case NotifyEvent::Failed:
    case NotifyEvent::RollbackFailed: return "rotating_light";
  }
  return "rotating_light";  // not reached: every enumerator is listed above
}

}  // namespace

FormattedMessage FormatNtfy(const RunEvent& event) {
  std::string body = SummaryDetails(event);
  if (!event.output_tail.empty()) body += "\n\n" + event.output_tail;
  // Header values come from a target name ([a-z0-9_-]) and fixed words: no newline can get in.
  return {{{"Content-Type", "text/plain; charset=utf-8"},
           {"Title", SummaryTitle(event)},
           {"Priority", IsFailure(event.event) ? "high" : "default"},
           {"Tags", "deployhook," + std::string(TagFor(event.event))}},
          body};
}

}  // namespace deployhook
