#pragma once
// Structured log lines for stderr under systemd: "<level>event key=value ...".

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace deployhook {

enum class LogLevel { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

using LogField = std::pair<std::string_view, std::string_view>;

// Returns `value` safe to print on a terminal or in one log field: quotes and backslashes
// backslash-escaped, control and non-ASCII bytes written as \xNN, everything else as it is.
std::string EscapeBytes(std::string_view value);

// Returns `value` made safe for one key=value field: bare when it is a plain token, otherwise
// double-quoted with quotes, backslashes, control and non-ASCII bytes escaped as \xNN; cut to
// MAX_FIELD_BYTES.
std::string FormatLogValue(std::string_view value);

// Returns the whole line (without newline) for an event and its fields; empty values are skipped.
std::string FormatLogLine(LogLevel level, std::string_view event,
                          std::initializer_list<LogField> fields);

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // A logger writing to stderr, one write per line so concurrent threads never interleave.
  Logger();
  explicit Logger(Sink sink, LogLevel max_level = LogLevel::Debug);

  void Log(LogLevel level, std::string_view event,
           std::initializer_list<LogField> fields = {}) const noexcept;

 private:
  Sink sink_;
  LogLevel max_level_;
};

}  // namespace deployhook
