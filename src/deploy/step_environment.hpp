#pragma once
// The small, explicit environment every deployment step runs with.

#include <map>
#include <string>

namespace deployhook {

// Returns PATH, HOME and the DOCKER_* and COMPOSE_* variables from `environ` (the worker's own
// environment): nothing from a payload, nothing else of the worker's.
std::map<std::string, std::string> StepEnvironment(char** environ_entries);

// The same for this process's environment.
std::map<std::string, std::string> StepEnvironment();

}  // namespace deployhook
