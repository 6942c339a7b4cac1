// deployhook: entry point; dispatches to a subcommand and maps errors to exit status.

#include <cstdio>
#include <exception>
#include <string_view>
#include <vector>

#include "app/command_line.hpp"
#include "app/commands.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  using namespace deployhook;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  CommandLineResult parsed = ParseCommandLine(args);
  if (!parsed.command_line) {
    std::fprintf(stderr, "deployhook: %s\n", parsed.error.c_str());
    return EXIT_USAGE;
  }
  const CommandLine& line = *parsed.command_line;
  Logger log;
  try {
    switch (line.command) {
      case Command::Version:
        std::printf("deployhook %s\n", DEPLOYHOOK_VERSION);
        return 0;
      case Command::Help:
        std::fputs(UsageText().data(), stdout);
        return 0;
      case Command::Serve: return RunServe(line, log);
      case Command::CheckConfig: return RunCheckConfig(line);
      case Command::Status: return RunStatus(line);
      case Command::Deploy: return RunDeploy(line);
      case Command::Rollback: return RunRollback(line);
      case Command::Pause: return RunPause(line);
      case Command::Resume: return RunResume(line);
      case Command::Sign: return RunSign(line);
      case Command::NotifyTest: return RunNotifyTest(line);
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "deployhook: config error: %s\n", e.what());
    return EXIT_USAGE;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "deployhook: %s\n", e.what());
    return EXIT_USAGE;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "deployhook: %s\n", e.what());
    return 1;
  }
  return 1;
}
