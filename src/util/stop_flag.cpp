#include "util/stop_flag.hpp"

namespace deployhook {

void StopFlag::Set() noexcept {
  {
    // Set under the mutex: a WaitFor between its look at the flag and its wait cannot miss it.
    std::lock_guard lock(mutex_);
    set_ = true;
  }
  changed_.notify_all();
}

bool StopFlag::WaitFor(std::chrono::milliseconds duration) const {
  std::unique_lock lock(mutex_);
  return !changed_.wait_for(lock, duration, [&] { return set_.load(); });
}

}  // namespace deployhook
