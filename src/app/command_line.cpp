#include "app/command_line.hpp"

#include <charconv>
#include <map>

namespace deployhook {
namespace {

enum class TargetArgument { None, Optional, Required };

struct CommandSpec {
  Command command;
  std::string_view options;  // the flags this command takes, space-separated
  TargetArgument target = TargetArgument::None;
};

const std::map<std::string_view, CommandSpec, std::less<>>& Commands() {
  static const std::map<std::string_view, CommandSpec, std::less<>> commands = {
      {"serve", {Command::Serve, "--config --listen --threads"}},
      {"check-config", {Command::CheckConfig, "--config"}},
      {"status", {Command::Status, "--config --json --limit", TargetArgument::Optional}},
      {"deploy", {Command::Deploy, "--config", TargetArgument::Required}},
      {"rollback", {Command::Rollback, "--config --to", TargetArgument::Required}},
      {"pause", {Command::Pause, "--config --reason", TargetArgument::Required}},
      {"resume", {Command::Resume, "--config", TargetArgument::Required}},
      {"sign", {Command::Sign, "--secret-file"}},
      {"notify-test", {Command::NotifyTest, "--config"}},
  };
  return commands;
}

bool Takes(std::string_view options, std::string_view flag) {
  std::size_t at = options.find(flag);
  while (at != std::string_view::npos) {
    std::size_t end = at + flag.size();
    if ((at == 0 || options[at - 1] == ' ') && (end == options.size() || options[end] == ' ')) {
      return true;
    }
    at = options.find(flag, end);
  }
  return false;
}

std::optional<int> PositiveInt(std::string_view text, int max) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 1 || value > max) {
    return std::nullopt;
  }
  return value;
}

// Stores the value of option `flag` in `line`; returns why the value is refused, or "".
std::string SetOption(CommandLine& line, std::string_view flag, const std::string& value) {
  if (flag == "--config") line.config = value;
  if (flag == "--listen") line.listen = value;
  if (flag == "--secret-file") line.secret_file = value;
  if (flag == "--to") line.to = value;
  if (flag == "--reason") line.reason = value;
  if (flag == "--threads") {
    line.threads = PositiveInt(value, 256);
    if (!line.threads) return "--threads must be 1 to 256";
  }
  if (flag == "--limit") {
    std::optional<int> limit = PositiveInt(value, 1000000);
    if (!limit) return "--limit must be a positive number";
    line.limit = *limit;
  }
  return {};
}

}  // namespace

CommandLineResult ParseCommandLine(std::span<const std::string_view> args) {
  auto fail = [](std::string message) { return CommandLineResult{std::nullopt, std::move(message)}; };
  CommandLine line;
  if (args.empty()) return fail("missing command (try --help)");
  if (args[0] == "--version") {
    line.command = Command::Version;
    return {line, {}};
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    line.command = Command::Help;
    return {line, {}};
  }
  auto found = Commands().find(args[0]);
  if (found == Commands().end()) return fail("unknown command '" + std::string(args[0]) + "'");
  line.command = found->second.command;
  std::string_view options = found->second.options;
  TargetArgument takes_target = found->second.target;

  for (std::size_t i = 1; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::string_view flag = arg.substr(0, arg.find('='));
    if (arg.starts_with("--") && !Takes(options, flag)) {
      return fail("unknown option '" + std::string(flag) + "' for " + std::string(args[0]));
    }
    if (flag == "--json") {
      line.json = true;
      continue;
    }
    if (!arg.starts_with("--")) {
      if (takes_target == TargetArgument::None || !line.target.empty()) {
        return fail("unexpected argument '" + std::string(arg) + "'");
      }
      line.target = std::string(arg);
      continue;
    }
    std::string value;
    if (flag.size() < arg.size()) {
      value = std::string(arg.substr(flag.size() + 1));
    } else if (i + 1 < args.size()) {
      value = std::string(args[++i]);
    } else {
      return fail("option " + std::string(flag) + " needs a value");
    }
    if (std::string problem = SetOption(line, flag, value); !problem.empty()) return fail(problem);
  }
  if (takes_target == TargetArgument::Required && line.target.empty()) {
    return fail(std::string(args[0]) + " needs a TARGET");
  }
  return {line, {}};
}

std::string_view UsageText() noexcept {
  return R"(deployhook: redeploy Docker Compose services on a signed GitHub push (FastCGI worker)

usage:
  deployhook serve        [--config FILE] [--listen ADDR] [--threads N]
  deployhook check-config [--config FILE]
  deployhook status       [--config FILE] [--json] [--limit N] [TARGET]
  deployhook deploy       [--config FILE] TARGET
  deployhook rollback     [--config FILE] [--to RUN_ID] TARGET
  deployhook pause        [--config FILE] [--reason TEXT] TARGET
  deployhook resume       [--config FILE] TARGET
  deployhook sign         [--secret-file FILE] < BODY
  deployhook notify-test  [--config FILE]
  deployhook --version | --help

ADDR is unix:/path/to.sock, HOST:PORT or [IPV6]:PORT; without it, a socket inherited on
fd 0 is used.
FILE defaults to $DEPLOYHOOK_CONFIG, else /etc/deployhook/deployhook.toml.
rollback puts back the images of the succeeded run before the one deployed now (or of
RUN_ID), health-gated, through the same queue as deployments. While a target is paused,
deliveries are still accepted and queued, but nothing runs until resume.
notify-test sends one test message to every [[notify]] table now and prints each answer.
sign reads the secret from --secret-file, else WEBHOOK_SECRET, and prints "sha256=<hex>".
)";
}

}  // namespace deployhook
