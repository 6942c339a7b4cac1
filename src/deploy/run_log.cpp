#include "deploy/run_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace deployhook {
namespace {

constexpr std::string_view CUT = "[... earlier output cut ...]\n";

bool WriteAll(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

RunLog::RunLog(std::filesystem::path path, std::size_t max_bytes)
    : path_(std::move(path)), max_bytes_(std::max(max_bytes, CUT.size() + 1)) {}

RunLog::~RunLog() {
  if (size_ > max_bytes_) KeepTail();
}

void RunLog::Append(std::string_view input) noexcept {
  if (failed_ || input.empty()) return;
  std::string redacted;
  if (redactor_ != nullptr && !redactor_->Empty()) {
    try {
      redacted = redactor_->Apply(input);
    } catch (...) {
      failed_ = true;  // out of memory: better no log than one with a secret in it
      return;
    }
    input = redacted;
  }
  std::string_view text = input;
  if (!fd_) {
    fd_.Reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0640));
    if (!fd_) {
      failed_ = true;
      return;
    }
  }
  if (!WriteAll(fd_.get(), text)) {
    failed_ = true;
    return;
  }
  size_ += text.size();
  // Cut only now and then, so a long run costs one copy of the bound per bound written.
  if (size_ > 2 * max_bytes_) KeepTail();
}

void RunLog::KeepTail() noexcept {
  if (!fd_) return;
  const std::size_t keep = max_bytes_ - CUT.size();
  std::string tail(std::min(keep, size_), '\0');
  ssize_t got = ::pread(fd_.get(), tail.data(), tail.size(),
                        static_cast<off_t>(size_ - tail.size()));
  if (got != static_cast<ssize_t>(tail.size()) || ::ftruncate(fd_.get(), 0) != 0 ||
      !WriteAll(fd_.get(), std::string(CUT) + tail)) {
    failed_ = true;
    return;
  }
  size_ = CUT.size() + tail.size();
}

}  // namespace deployhook
