#pragma once
// Each subcommand of the deployhook executable. Each returns the process exit status and
// throws ConfigError for configuration mistakes (main turns those into exit status 2).

#include <stdexcept>
#include <string>

#include "app/command_line.hpp"
#include "config/config.hpp"
#include "util/log.hpp"

namespace deployhook {

constexpr int EXIT_USAGE = 2;

// A command line that names something that is not there (a target, a run); exit status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Loads the configuration the command line, $DEPLOYHOOK_CONFIG or the default names.
Config LoadConfigFor(const CommandLine& line);

// Returns the configured target called `name`; throws UsageError naming the known targets.
const Target& FindTarget(const Config& config, const std::string& name);

int RunServe(const CommandLine& line, const Logger& log);
int RunCheckConfig(const CommandLine& line);
int RunStatus(const CommandLine& line);
int RunDeploy(const CommandLine& line);
int RunRollback(const CommandLine& line);
int RunPause(const CommandLine& line);
int RunResume(const CommandLine& line);
int RunSign(const CommandLine& line);
int RunNotifyTest(const CommandLine& line);

}  // namespace deployhook
