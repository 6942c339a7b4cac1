#pragma once
// A flag set once (the worker stops, a step must be cut off) that wakes whoever waits for it.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace deployhook {

class StopFlag {
 public:
  // Sets the flag and wakes every WaitFor.
  void Set() noexcept;
  bool IsSet() const noexcept { return set_.load(); }
  // The flag itself, for code that only looks at it between steps (a run's `stopping`, a
  // step's `abort`).
  const std::atomic<bool>& Flag() const noexcept { return set_; }
  // Waits up to `duration`; returns false when the flag is set (at once when it already was).
  bool WaitFor(std::chrono::milliseconds duration) const;

 private:
  std::atomic<bool> set_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
};

}  // namespace deployhook
