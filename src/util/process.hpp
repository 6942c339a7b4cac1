#pragma once
// Running one external program: argv only, no shell. Implemented in process.cpp, the only file
// that includes Boost.Process.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

struct ProcessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  std::filesystem::path cwd;
  std::map<std::string, std::string> env;  // the whole environment of the child
  std::chrono::milliseconds timeout{60000};
  std::size_t max_output = 1 << 20;  // the tail of the combined output that is kept
  // When it becomes true, the process group is stopped as on a timeout, and the result says
  // interrupted instead of timed_out: the worker is stopping.
  const std::atomic<bool>* abort = nullptr;
  // Keeps stderr out of `output` (in `error_output`): for commands whose stdout is data (JSON)
  // that a warning on stderr must not corrupt.
  bool stderr_apart = false;
  // An fd the program keeps open under the same number (the target's lock, so that no other
  // worker starts the target while anything the step started still runs); -1: none.
  int inherit_fd = -1;
};

struct ProcessResult {
  int exit_code = -1;        // the exit status, or 128 + signal when it was killed
  bool timed_out = false;    // it outlived its timeout and its process group was killed
  bool interrupted = false;  // its process group was killed because `abort` became true
  bool spawn_failed = false; // it could not be started (not found, cwd missing)
  double seconds = 0;
  std::string output;        // stdout and stderr interleaved (stdout alone when stderr_apart),
                             // at most max_output bytes (the tail)
  std::string error_output;  // stderr when stderr_apart, at most max_output bytes (the tail)
};

// Runs the program in its own process group. Past the timeout the group gets SIGTERM, then
// SIGKILL after KILL_GRACE. The program gets SIGKILL when the worker dies (PR_SET_PDEATHSIG; the
// calling thread waits for it, so the signal never comes early). Never throws for the program's
// failures; they are in the result.
ProcessResult RunProcess(const ProcessSpec& spec);

// Returns the executable `program` names: itself when it holds a '/', else the first executable
// file of that name in the folders of `path_variable` (a PATH value); empty when there is none.
std::string FindProgram(const std::string& program, std::string_view path_variable);

constexpr std::chrono::seconds KILL_GRACE{5};

}  // namespace deployhook
