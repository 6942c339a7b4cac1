#include "notify/format.hpp"
#include "notify/summary.hpp"

namespace deployhook {
namespace {

// ntfy tags that are emoji short codes show as that emoji before the title.
std::string_view TagFor(std::string_view event) {
  if (event == "started") return "rocket";
  if (event == "test") return "test_tube";
  if (event == "succeeded") return "white_check_mark";
  if (event == "unchanged") return "zzz";
  if (event == "rolled_back") return "rewind";
  if (event == "stale" || event == "timed_out") return "hourglass";
  return "rotating_light";
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
