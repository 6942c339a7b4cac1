#include "util/process_end.hpp"

namespace deployhook {

const char* EndedOtherwise(const ProcessResult& result) {
  if (result.interrupted) return "interrupted: the worker is stopping";
  if (result.timed_out) return "timed out";
  if (result.spawn_failed) return "could not start";
  return "";
}

std::string EndLine(std::string_view name, const ProcessResult& result) {
  std::string line = "[" + std::string(name) + ": ";
  line += result.interrupted ? "interrupted: the worker is stopping, process group stopped"
          : result.timed_out ? "timed out, process group killed"
          : result.spawn_failed ? "could not start"
                                : "exit " + std::to_string(result.exit_code);
  return line + "]\n";
}

bool Succeeded(const ProcessResult& result) {
  return !result.timed_out && !result.interrupted && !result.spawn_failed && result.exit_code == 0;
}

}  // namespace deployhook
