#pragma once
// A Clock for unit tests of code that waits: its pauses move it on at once and tell the test
// what was waited for, so a wait of minutes takes a millisecond.

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "util/clock.hpp"

namespace deployhook::testing {

class FakeClock final : public Clock {
 public:
  // Told of every pause (from the pausing thread, after the clock moved on).
  using Hook = std::function<void(std::chrono::milliseconds)>;

  std::chrono::steady_clock::time_point SteadyNow() override {
    std::lock_guard lock(mutex_);
    return steady_;
  }

  SystemTime WallNow() override {
    std::lock_guard lock(mutex_);
    return wall_;
  }

  // Moves the clock on by `duration`, tells the hook, and returns whether `stop` is still unset.
  // Waits a real millisecond, so that code that retries after a pause does not spin a core.
  bool Sleep(std::chrono::milliseconds duration, const StopFlag& stop) override {
    if (stop.IsSet()) return false;
    Hook hook;
    {
      std::lock_guard lock(mutex_);
      steady_ += duration;
      wall_ += duration;
      pauses_.push_back(duration);
      hook = on_sleep_;
    }
    if (hook) hook(duration);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return !stop.IsSet();
  }

  void OnSleep(Hook hook) {
    std::lock_guard lock(mutex_);
    on_sleep_ = std::move(hook);
  }

  // Returns how many pauses of `duration` were taken.
  std::size_t Pauses(std::chrono::milliseconds duration) const {
    std::lock_guard lock(mutex_);
    std::size_t count = 0;
    for (std::chrono::milliseconds pause : pauses_) count += pause == duration ? 1 : 0;
    return count;
  }

 private:
  mutable std::mutex mutex_;
  std::chrono::steady_clock::time_point steady_{};
  // 2026-11-26T21:05:01Z: records and identifiers read as they do in production.
  SystemTime wall_{std::chrono::seconds(1795727101)};
  std::vector<std::chrono::milliseconds> pauses_;
  Hook on_sleep_;
};

}  // namespace deployhook::testing
