#pragma once
// Running one external program: argv only, no shell. Implemented in process.cpp, the only file
// that includes Boost.Process.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace deployhook {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path cwd;
  std::map<std::string, std::string> env;  // the whole environment of the child
  std::chrono::milliseconds timeout{60000};
  std::size_t max_output = 1 << 20;  // the tail of the combined output that is kept
  const std::atomic<bool>* abort = nullptr;  // when it becomes true, treated as a timeout
  // Keeps stderr out of `output` (in `error_output`): for commands whose stdout is data (JSON)
  // that a warning on stderr must not corrupt.
  bool stderr_apart = false;
};

struct ProcessResult {
  int exit_code = -1;        // the exit status, or 128 + signal when it was killed
  bool timed_out = false;    // it outlived its timeout and its process group was killed
  bool spawn_failed = false; // it could not be started (not found, cwd missing)
  double seconds = 0;
  std::string output;        // stdout and stderr interleaved (stdout alone when stderr_apart),
                             // at most max_output bytes (the tail)
  std::string error_output;  // stderr when stderr_apart, at most max_output bytes (the tail)
};

// Runs the program in its own process group. Past the timeout the group gets SIGTERM, then
// SIGKILL after KILL_GRACE. Never throws for the program's failures; they are in the result.
ProcessResult RunProcess(const ProcessSpec& spec);

constexpr std::chrono::seconds KILL_GRACE{5};

}  // namespace deployhook
