#include "read/badge.hpp"

#include "util/html_escape.hpp"
#include "read/read_model.hpp"

namespace deployhook {

std::string RenderBadge(std::optional<RunResult> result) {
  constexpr std::string_view LABEL = "deploy";
  std::string message(result ? Name(*result) : "none");
  // About 7 px per character of 11 px Verdana, 10 px padding each side of a text.
  int left = static_cast<int>(LABEL.size()) * 7 + 10;
  int right = static_cast<int>(message.size()) * 7 + 10;
  std::string l = std::to_string(left);
  std::string r = std::to_string(right);
  std::string width = std::to_string(left + right);
  std::string text = EscapeHtml(message);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"20\" role=\"img\" "
         "aria-label=\"deploy: " + text + "\"><title>deploy: " + text + "</title>"
         "<rect width=\"" + l + "\" height=\"20\" fill=\"#555\"/>"
         "<rect x=\"" + l + "\" width=\"" + r + "\" height=\"20\" fill=\"" + std::string(ResultColour(result)) + "\"/>"
         "<g fill=\"#fff\" text-anchor=\"middle\" font-family=\"Verdana,DejaVu Sans,sans-serif\" font-size=\"11\">"
         "<text x=\"" + std::to_string(left / 2) + "\" y=\"14\">deploy</text>"
         "<text x=\"" + std::to_string(left + right / 2) + "\" y=\"14\">" + text + "</text></g></svg>\n";
}

}  // namespace deployhook
