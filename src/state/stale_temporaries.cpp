#include "state/stale_temporaries.hpp"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

namespace deployhook {
namespace {

constexpr std::string_view MARK = ".tmp-";

bool IsDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(),
                                      [](char c) { return c >= '0' && c <= '9'; });
}

bool IsRunning(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

std::optional<pid_t> TemporaryWriter(std::string_view file_name) {
  std::size_t mark = file_name.rfind(MARK);
  if (mark == std::string_view::npos || mark == 0) return std::nullopt;
  std::string_view rest = file_name.substr(mark + MARK.size());
  std::size_t dash = rest.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  std::string_view pid_text = rest.substr(0, dash);
  if (!IsDigits(pid_text) || !IsDigits(rest.substr(dash + 1))) return std::nullopt;
  pid_t pid = 0;
  auto [end, error] = std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), pid);
  if (error != std::errc() || pid <= 0) return std::nullopt;
  return pid;
}

std::size_t RemoveStaleTemporaries(const std::filesystem::path& state_dir) noexcept {
  std::size_t removed = 0;
  try {
    std::error_code error;
    std::filesystem::recursive_directory_iterator it(
        state_dir, std::filesystem::directory_options::skip_permission_denied, error);
    for (std::filesystem::recursive_directory_iterator end; !error && it != end;
         it.increment(error)) {
      if (!it->is_regular_file(error)) continue;
      std::optional<pid_t> writer = TemporaryWriter(it->path().filename().string());
      if (!writer || IsRunning(*writer)) continue;
      std::error_code ignored;
      if (std::filesystem::remove(it->path(), ignored)) ++removed;
    }
  } catch (...) {
    // Housekeeping: whatever is left is only disk space.
  }
  return removed;
}

}  // namespace deployhook
