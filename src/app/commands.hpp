#pragma once
// Each subcommand of the deployhook executable. Each returns the process exit status and
// throws ConfigError for configuration mistakes (main turns those into exit status 2).

#include "command_line.hpp"
#include "config.hpp"
#include "log.hpp"

namespace deployhook {

constexpr int EXIT_USAGE = 2;

// Loads the configuration the command line, $DEPLOYHOOK_CONFIG or the default names.
Config LoadConfigFor(const CommandLine& line);

int RunServe(const CommandLine& line, const Logger& log);
int RunCheckConfig(const CommandLine& line);
int RunStatus(const CommandLine& line);
int RunDeploy(const CommandLine& line);
int RunSign(const CommandLine& line);

}  // namespace deployhook
