// deployhook pause TARGET [--reason TEXT] / resume TARGET: hold a target's deployments.

#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "util/clock.hpp"
#include "app/commands.hpp"
#include "state/pause.hpp"

namespace deployhook {
namespace {

// Returns who runs the command: the user behind sudo when there is one.
std::string CurrentUser() {
  if (const char* sudo_user = std::getenv("SUDO_USER"); sudo_user != nullptr && *sudo_user != '\0') {
    return sudo_user;
  }
  if (const passwd* entry = ::getpwuid(::geteuid())) return entry->pw_name;
  return "uid " + std::to_string(::geteuid());
}

}  // namespace

int RunPause(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  const Target& target = FindTarget(config, line.target);
  Pause pause{CurrentUser(), line.reason, FormatRfc3339(std::chrono::system_clock::now())};
  WritePause(config.state_dir, target.name, pause);
  std::printf("paused %s: deliveries are accepted and queued, nothing runs until "
              "`deployhook resume %s`\n", target.name.c_str(), target.name.c_str());
  return 0;
}

int RunResume(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  const Target& target = FindTarget(config, line.target);
  if (ClearPause(config.state_dir, target.name)) {
    std::printf("resumed %s: what was queued runs now\n", target.name.c_str());
  } else {
    std::printf("%s was not paused\n", target.name.c_str());
  }
  return 0;
}

}  // namespace deployhook
