#include "http/idle_connections.hpp"

namespace deployhook {

std::uint64_t IdleConnections::Park(int fd, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  if (++generation_ == 0) generation_ = 1;  // a token is never below FIRST_TOKEN
  entries_[fd] = {generation_, deadline};
  return std::uint64_t{generation_} << 32 | static_cast<std::uint32_t>(fd);
}

int IdleConnections::Take(std::uint64_t token) {
  int fd = static_cast<int>(token & 0xffffffffu);
  auto generation = static_cast<std::uint32_t>(token >> 32);
  std::lock_guard lock(mutex_);
  auto it = entries_.find(fd);
  if (it == entries_.end() || it->second.generation != generation) return -1;
  entries_.erase(it);
  return fd;
}

std::vector<int> IdleConnections::Expire(Clock::time_point now) {
  std::vector<int> expired;
  std::lock_guard lock(mutex_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    expired.push_back(it->first);
    it = entries_.erase(it);
  }
  return expired;
}

std::vector<int> IdleConnections::TakeAll() {
  std::vector<int> all;
  std::lock_guard lock(mutex_);
  for (const auto& [fd, entry] : entries_) all.push_back(fd);
  entries_.clear();
  return all;
}

std::size_t IdleConnections::Size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace deployhook
