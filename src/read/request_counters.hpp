#pragma once
// How many deliveries this worker process answered, by decision (counters in memory).

#include <array>
#include <atomic>
#include <cstdint>

#include "http/response.hpp"

namespace deployhook {

constexpr std::size_t OUTCOME_COUNT = static_cast<std::size_t>(Outcome::Error) + 1;

class RequestCounters {
 public:
  void Count(Outcome outcome) noexcept {
    counts_[static_cast<std::size_t>(outcome)].fetch_add(1, std::memory_order_relaxed);
  }
  std::uint64_t Get(Outcome outcome) const noexcept {
    return counts_[static_cast<std::size_t>(outcome)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<std::uint64_t>, OUTCOME_COUNT> counts_{};
};

}  // namespace deployhook
