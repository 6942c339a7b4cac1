#pragma once
// state_dir/logs/<id>.log: the combined output of a run's steps, bounded (the tail is kept).

#include <filesystem>
#include <string>
#include <string_view>

#include "source/redactor.hpp"
#include "util/unique_fd.hpp"

namespace deployhook {

class RunLog {
 public:
  static constexpr std::size_t MAX_BYTES = 1 << 20;

  explicit RunLog(std::filesystem::path path, std::size_t max_bytes = MAX_BYTES);
  // Cuts the file down to its last `max_bytes`.
  ~RunLog();
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;

  // Appends text at the end of the file, never rewriting what is there, except that a file grown
  // past twice the bound is cut to its tail. Write failures are ignored (the log is best
  // effort, the history line is what counts).
  void Append(std::string_view text) noexcept;
  // Hides what `redactor` knows (now and later) in everything appended from now on; it must
  // outlive the log.
  void UseRedactor(const Redactor& redactor) noexcept { redactor_ = &redactor; }

  const std::filesystem::path& Path() const { return path_; }

 private:
  // Replaces the file's content by the marker and its last bytes, up to max_bytes_ in all.
  void KeepTail() noexcept;

  std::filesystem::path path_;
  std::size_t max_bytes_;
  UniqueFd fd_;
  std::size_t size_ = 0;
  bool failed_ = false;
  const Redactor* redactor_ = nullptr;
};

}  // namespace deployhook
