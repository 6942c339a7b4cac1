#pragma once
// The connections a request thread is reading from, each with the moment its request must have
// arrived (body_timeout after the thread took it). Not thread-safe: its owner locks.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <unordered_map>

namespace deployhook {

class ReadDeadlines {
 public:
  using Clock = std::chrono::steady_clock;

  // Watches `fd` (`identity` tells it from a later connection given the same number) until
  // `deadline`; returns the token Finish and Expired take.
  std::uint64_t Start(int fd, std::uint64_t identity, Clock::time_point deadline);

  // Returns true when the watch `token` has expired (Expire acted on it).
  bool Expired(std::uint64_t token) const;

  // Stops the watch `token`; returns true when it had expired first.
  bool Finish(std::uint64_t token);

  // Calls `act(fd, identity)` once for each watch whose deadline is at or before `now`, and
  // marks it expired; it stays watched until Finish.
  void Expire(Clock::time_point now, const std::function<void(int, std::uint64_t)>& act);

  // Returns the earliest deadline of a watch not yet expired; nothing when there is none.
  std::optional<Clock::time_point> Next() const;

  std::size_t Size() const { return watches_.size(); }

 private:
  struct Watch {
    int fd;
    std::uint64_t identity;
    Clock::time_point deadline;
    bool expired;
  };

  std::unordered_map<std::uint64_t, Watch> watches_;
  std::uint64_t next_token_ = 1;
};

}  // namespace deployhook
