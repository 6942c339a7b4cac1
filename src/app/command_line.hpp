#pragma once
// deployhook's command line, parsed into plain values.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace deployhook {

enum class Command { Serve, CheckConfig, Status, Deploy, Rollback, Pause, Resume, Sign, NotifyTest, Version, Help };

struct CommandLine {
  Command command = Command::Help;
  std::optional<std::string> config;
  std::optional<std::string> listen;
  std::optional<std::string> secret_file;
  std::optional<int> threads;
  int limit = 20;
  bool json = false;
  std::string target;              // deploy, rollback, pause, resume; status: optional
  std::optional<std::string> to;   // rollback --to RUN_ID
  std::string reason;              // pause --reason TEXT
};

struct CommandLineResult {
  std::optional<CommandLine> command_line;
  std::string error;  // one line, when command_line is empty
};

// Parses the arguments after the program name.
CommandLineResult ParseCommandLine(std::span<const std::string_view> args);

// Returns the --help text.
std::string_view UsageText() noexcept;

}  // namespace deployhook
