#include "read/history_index.hpp"

namespace deployhook {

void HistoryIndex::Add(const RunRecord& run) {
  TargetHistory& target = targets_[run.target];
  CountRun(target, run);
  target.recent.push_back(run);
  if (target.recent.size() > RECENT) target.recent.pop_front();
}

std::map<std::string, TargetHistory> HistoryIndex::Refresh() {
  std::lock_guard lock(mutex_);
  HistoryChunk chunk = ReadHistoryChunk(state_dir_, inode_, offset_);
  if (chunk.from_start) {  // new, replaced (compacted) or cut: read it again
    targets_.clear();
    partial_.clear();
    for (auto& [name, tally] : chunk.compacted) static_cast<RunTally&>(targets_[name]) = std::move(tally);
  }
  inode_ = chunk.inode;
  offset_ = chunk.end;
  partial_ += chunk.bytes;
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
