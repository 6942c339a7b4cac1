#include "http/form.hpp"

#include "util/hex.hpp"

namespace deployhook {

std::optional<std::string> UrlDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexDigitValue(text[i + 1]);
      int low = HexDigitValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high << 4 | low);
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::optional<std::string> FormField(std::string_view body, std::string_view name) {
  while (!body.empty()) {
    std::size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    std::size_t eq = pair.find('=');
    std::optional<std::string> key = UrlDecode(pair.substr(0, eq));
    if (!key || *key != name) continue;
    if (eq == std::string_view::npos) return std::string{};
    return UrlDecode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

std::string UrlEncode(std::string_view bytes) {
  static constexpr char HEX[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : bytes) {
    bool bare = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.' || c == '~';
    if (bare) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += HEX[c >> 4];
      out += HEX[c & 0xf];
    }
  }
  return out;
}

}  // namespace deployhook
