#include "util/html_escape.hpp"

namespace deployhook {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "&#xfffd;";  // control bytes are not allowed in XML at all
        } else {
          out += c;
        }
    }
  }
  return out;
}

}  // namespace deployhook
