#include "http/request_head.hpp"

#include "http/decision.hpp"

namespace deployhook {
namespace {

std::string_view Trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<std::uint64_t> ParseContentLength(std::string_view text) noexcept {
  if (text.empty() || text.size() > 19) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value;
}

std::optional<BodyFormat> ParseContentType(std::string_view text) noexcept {
  std::string_view media = Trim(text.substr(0, text.find(';')));
  if (EqualsIgnoreCase(media, "application/json")) return BodyFormat::Json;
  if (EqualsIgnoreCase(media, "application/x-www-form-urlencoded")) return BodyFormat::Form;
  return std::nullopt;
}

HeadCheck CheckHead(const RequestHead& head, std::uint64_t max_body_bytes) noexcept {
  HeadCheck check;
  if (head.method != "POST") {
    check.rejection = Outcome::MethodNotAllowed;
    return check;
  }
  std::optional<std::uint64_t> length =
      head.content_length ? ParseContentLength(*head.content_length) : std::nullopt;
  if (!length) {
    check.rejection = Outcome::LengthRequired;
    return check;
  }
  if (*length > max_body_bytes) {
    check.rejection = Outcome::TooLarge;
    return check;
  }
  std::optional<BodyFormat> format = ParseContentType(head.content_type);
  if (!format) {
    check.rejection = Outcome::UnsupportedMediaType;
    return check;
  }
  check.length = *length;
  check.format = *format;
  return check;
}

}  // namespace deployhook
