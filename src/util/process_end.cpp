#include "util/process_end.hpp"

namespace deployhook {

const char* EndedOtherwise(const ProcessResult& result) {
  if (result.interrupted) return "interrupted: the worker is stopping";
  if (result.timed_out) return "timed out";
  if (result.spawn_failed) return "could not start";
  return "";
}

std::string EndLine(std::string_view name, const ProcessResult& result) {
  std::string why = EndedOtherwise(result);
  if (why.empty()) why = "exit " + std::to_string(result.exit_code);
  if (result.interrupted) why += ", process group stopped";
  else if (result.timed_out) why += ", process group killed";
  return "[" + std::string(name) + ": " + why + "]\n";
}

bool Succeeded(const ProcessResult& result) {
  return !result.timed_out && !result.interrupted && !result.spawn_failed && result.exit_code == 0;
}

}  // namespace deployhook
