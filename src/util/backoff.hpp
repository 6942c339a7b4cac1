#pragma once
// Delays for retrying something that keeps failing: doubling from a first delay up to a cap.

#include <chrono>

namespace deployhook {

class Backoff {
 public:
  Backoff(std::chrono::milliseconds first, std::chrono::milliseconds cap) noexcept
      : first_(first), cap_(cap), next_(first) {}

  // Returns the delay before the next try and doubles the one after, up to the cap.
  std::chrono::milliseconds Next() noexcept {
    std::chrono::milliseconds delay = next_;
    next_ = next_ >= cap_ / 2 ? cap_ : next_ * 2;
    return delay;
  }

  // Starts again from the first delay (the thing worked).
  void Reset() noexcept { next_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds next_;
};

}  // namespace deployhook
