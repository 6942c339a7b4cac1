#include "notify/format.hpp"

namespace deployhook {

FormattedMessage FormatWebhook(const RunEvent& event) {
  RunRecord run = event.run;
  if (event.event == "started") run.result = "started";
  return {{{"Content-Type", "application/json"}}, SerializeRun(run)};
}

FormattedMessage FormatFor(std::string_view kind, const RunEvent& event) {
  if (kind == "webhook") return FormatWebhook(event);
  if (kind == "slack") return FormatSlack(event);
  if (kind == "discord") return FormatDiscord(event);
  return FormatNtfy(event);
}

}  // namespace deployhook
