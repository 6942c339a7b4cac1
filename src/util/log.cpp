#include "util/log.hpp"

#include <unistd.h>

#include <cstdio>

namespace deployhook {
namespace {

constexpr std::size_t MAX_FIELD_BYTES = 200;

bool IsPlain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == '@' || c == '+' ||
         c == ',';
}

void WriteStderr(std::string_view line) {
  std::string out(line);
  out += '\n';
  std::string_view rest = out;
  while (!rest.empty()) {
    ssize_t n = ::write(STDERR_FILENO, rest.data(), rest.size());
    if (n <= 0) return;
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string EscapeBytes(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (unsigned char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {  // ASCII only: a client's bytes cannot be invalid UTF-8 here
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string FormatLogValue(std::string_view value) {
  bool truncated = value.size() > MAX_FIELD_BYTES;
  if (truncated) value = value.substr(0, MAX_FIELD_BYTES);
  bool plain = !value.empty() && !truncated;
  for (char c : value) plain = plain && IsPlain(c);
  if (plain) return std::string(value);

  std::string out = "\"" + EscapeBytes(value);
  if (truncated) out += "...";
  out += '"';
  return out;
}

std::string FormatLogLine(LogLevel level, std::string_view event,
                          std::initializer_list<LogField> fields) {
  std::string line = "<" + std::to_string(static_cast<int>(level)) + ">";
  line += event;
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    line += ' ';
    line += key;
    line += '=';
    line += FormatLogValue(value);
  }
  return line;
}

Logger::Logger() : Logger(WriteStderr) {}

Logger::Logger(Sink sink, LogLevel max_level) : sink_(std::move(sink)), max_level_(max_level) {}

void Logger::Log(LogLevel level, std::string_view event,
                 std::initializer_list<LogField> fields) const noexcept {
  if (level > max_level_) return;
  try {
    sink_(FormatLogLine(level, event, fields));
  } catch (...) {
    // A log line that cannot be written must not take the request or the run down with it.
  }
}

}  // namespace deployhook
