#include "notify/format.hpp"
#include "notify/summary.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

// Slack's mrkdwn reads &, < and > as markup (links, mentions); these three are escaped.
std::string EscapeMrkdwn(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

}  // namespace

FormattedMessage FormatSlack(const RunEvent& event) {
  std::string text = "*" + SummaryTitle(event) + "*\n" + SummaryDetails(event);
  if (!event.output_tail.empty()) text += "\n```\n" + event.output_tail + "\n```";
  return {{{"Content-Type", "application/json"}},
          JsonObject().Add("text", EscapeMrkdwn(text)).Str()};
}

}  // namespace deployhook
