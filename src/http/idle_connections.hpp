#pragma once
// The kept connections (nginx `fastcgi_keep_conn on`) waiting for their next request: held by no
// thread, each with the token its readiness event carries and the moment it is closed as idle.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace deployhook {

class IdleConnections {
 public:
  using Clock = std::chrono::steady_clock;

  // Tokens below this never name a connection, so callers may give them to other sources.
  static constexpr std::uint64_t FIRST_TOKEN = std::uint64_t{1} << 32;

  // Records `fd` as idle until `deadline`; returns the token its readiness event must carry.
  std::uint64_t Park(int fd, Clock::time_point deadline);

  // Returns the fd `token` names and stops holding it, or -1 when the token is stale: its
  // connection was closed as idle, or its number now belongs to another connection.
  int Take(std::uint64_t token);

  // Stops holding and returns the connections idle past `now`, for the caller to close.
  std::vector<int> Expire(Clock::time_point now);

  // Stops holding and returns every connection.
  std::vector<int> TakeAll();

  std::size_t Size() const;

 private:
  struct Entry {
    std::uint32_t generation;
    Clock::time_point deadline;
  };

  mutable std::mutex mutex_;
  std::unordered_map<int, Entry> entries_;
  std::uint32_t generation_ = 0;
};

}  // namespace deployhook
