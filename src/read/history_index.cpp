#include "history_index.hpp"

#include <sys/stat.h>

#include <fstream>

#include "clock.hpp"

namespace deployhook {

void HistoryIndex::Add(const RunRecord& run) {
  TargetHistory& target = targets_[run.target];
  if (target.buckets.empty()) target.buckets.assign(DURATION_BUCKETS.size() + 1, 0);
  ++target.results[run.result];
  double seconds = RunSeconds(run);
  for (std::size_t i = 0; i < DURATION_BUCKETS.size(); ++i) {
    if (seconds <= DURATION_BUCKETS[i]) ++target.buckets[i];
  }
  ++target.buckets.back();
  target.duration_sum += seconds;
  ++target.duration_count;
  if (LeftDeployed(run)) {
    if (std::optional<SystemTime> at = ParseRfc3339(run.finished_at)) {
      target.last_success = std::chrono::duration<double>(at->time_since_epoch()).count();
    }
  }
  target.recent.push_back(run);
  if (target.recent.size() > RECENT) target.recent.pop_front();
}

std::map<std::string, TargetHistory> HistoryIndex::Refresh() {
  std::lock_guard lock(mutex_);
  std::filesystem::path path = HistoryPath(state_dir_);
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return targets_;
  auto size = static_cast<std::uintmax_t>(info.st_size);
  if (info.st_ino != inode_ || size < offset_) {  // replaced or cut: read it again
    targets_.clear();
    offset_ = 0;
    partial_.clear();
    inode_ = info.st_ino;
  }
  if (size == offset_) return targets_;
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string chunk(static_cast<std::size_t>(size - offset_), '\0');
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  chunk.resize(static_cast<std::size_t>(in.gcount()));
  offset_ += chunk.size();
  partial_ += chunk;
  std::size_t start = 0;
  for (std::size_t newline; (newline = partial_.find('\n', start)) != std::string::npos; start = newline + 1) {
    if (std::optional<RunRecord> run = ParseRun(std::string_view(partial_).substr(start, newline - start))) {
      Add(*run);
    }
  }
  partial_.erase(0, start);
  return targets_;
}

}  // namespace deployhook
