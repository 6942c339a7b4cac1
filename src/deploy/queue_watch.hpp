#pragma once
// Tells the runner which targets may have work, so that it waits instead of polling: inotify on
// state_dir/queue/<target>/ (a job any process writes: a delivery, `deployhook deploy`, another
// worker), on state_dir/queue/ (a target's first job) and on state_dir/paused/ (a resume); an
// in-process nudge (a delivery queued here, a reload, a stop); and, when nothing was heard for
// the fallback time, every target.

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "util/unique_fd.hpp"

namespace deployhook {

// What a wait heard.
struct QueueNews {
  bool everything = false;         // look at every target: nudged, the fallback, events lost
  std::set<std::string> targets;   // otherwise: the targets whose queue or pause changed
};

class QueueWatch {
 public:
  // Watches `state_dir`'s queue and pause directories, creating them (for state_dir's owner)
  // when missing. Throws StorageError when a directory cannot be created. When the kernel
  // refuses a watch (inotify limits), Complete() is false and only nudges and the fallback wake.
  explicit QueueWatch(const std::filesystem::path& state_dir);

  // Makes the current or next Wait return at once with everything. Any thread; never blocks.
  void Nudge() noexcept;

  // Waits up to `fallback` for news and returns it; everything when the time passed unheard.
  QueueNews Wait(std::chrono::milliseconds fallback);

  // Returns false when some directory could not be watched.
  bool Complete() const noexcept { return complete_; }

 private:
  void WatchTargetDirectory(const std::string& name);
  // Reads the pending inotify events into `news`.
  void ReadEvents(QueueNews& news);

  std::filesystem::path queue_;
  UniqueFd inotify_;
  UniqueFd nudge_;  // an eventfd
  int queue_watch_ = -1;
  int paused_watch_ = -1;
  std::map<int, std::string> target_watches_;  // watch descriptor -> target name
  bool complete_ = true;
};

}  // namespace deployhook
