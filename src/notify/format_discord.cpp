#include "notify/format.hpp"
#include "notify/summary.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

// Returns `text` without the three backticks that would close the code block early.
std::string WithoutFences(std::string text) {
  for (std::size_t at = text.find("```"); at != std::string::npos; at = text.find("```", at)) {
    text.replace(at, 3, "'''");
  }
  return text;
}

}  // namespace

FormattedMessage FormatDiscord(const RunEvent& event) {
  std::string content = "**" + SummaryTitle(event) + "**\n" + SummaryDetails(event);
  if (!event.output_tail.empty()) content += "\n```\n" + WithoutFences(event.output_tail) + "\n```";
  // "parse": [] keeps an @everyone in a step's output from pinging a whole server.
  return {{{"Content-Type", "application/json"}},
          JsonObject()
              .Add("content", content)
              .AddRaw("allowed_mentions", JsonObject().AddRaw("parse", "[]").Str())
              .Str()};
}

}  // namespace deployhook
