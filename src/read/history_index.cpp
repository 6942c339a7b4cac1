#include "read/history_index.hpp"

#include <malloc.h>

namespace deployhook {
namespace {

// The history is read this much at a time: a scrape of a large history holds one chunk, not
// the whole file.
constexpr std::size_t CHUNK_BYTES = 1 << 20;

}  // namespace

void HistoryIndex::Add(const RunRecord& run) {
  TargetHistory& target = targets_[run.target];
  CountRun(target, run);
  target.recent.push_back(run);
  if (target.recent.size() > RECENT) target.recent.pop_front();
}

std::size_t HistoryIndex::ReadMore() {
  HistoryChunk chunk = ReadHistoryChunk(state_dir_, inode_, offset_, CHUNK_BYTES);
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
  return chunk.bytes.size();
}

std::map<std::string, TargetHistory> HistoryIndex::Refresh() {
  std::lock_guard lock(mutex_);
  std::size_t read = 0;
  for (std::size_t got = CHUNK_BYTES; got == CHUNK_BYTES; read += got) got = ReadMore();
  if (read > CHUNK_BYTES) {
    // Gives back what reading a large history took: the partial line's buffer, and the
    // records parsed and dropped on the way (small allocations glibc keeps unless asked).
    std::string(partial_).swap(partial_);
    ::malloc_trim(0);
  }
  return targets_;
}

}  // namespace deployhook
