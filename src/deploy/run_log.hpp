#pragma once
// state_dir/logs/<id>.log: the combined output of a run's steps, bounded (the tail is kept).

#include <filesystem>
#include <string>
#include <string_view>

namespace deployhook {

class RunLog {
 public:
  static constexpr std::size_t MAX_BYTES = 1 << 20;

  explicit RunLog(std::filesystem::path path, std::size_t max_bytes = MAX_BYTES);

  // Appends text and rewrites the file; write failures are ignored (the log is best effort,
  // the history line is what counts).
  void Append(std::string_view text) noexcept;

  const std::filesystem::path& Path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::size_t max_bytes_;
  std::string text_;
};

}  // namespace deployhook
