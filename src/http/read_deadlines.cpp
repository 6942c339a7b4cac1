#include "http/read_deadlines.hpp"

namespace deployhook {

std::uint64_t ReadDeadlines::Start(int fd, std::uint64_t identity, Clock::time_point deadline) {
  std::uint64_t token = next_token_++;
  watches_.emplace(token, Watch{.fd = fd, .identity = identity, .deadline = deadline, .expired = false});
  return token;
}

bool ReadDeadlines::Expired(std::uint64_t token) const {
  auto it = watches_.find(token);
  return it != watches_.end() && it->second.expired;
}

bool ReadDeadlines::Finish(std::uint64_t token) {
  auto it = watches_.find(token);
  if (it == watches_.end()) return false;
  bool expired = it->second.expired;
  watches_.erase(it);
  return expired;
}

void ReadDeadlines::Expire(Clock::time_point now, const std::function<void(int, std::uint64_t)>& act) {
  for (auto& [token, watch] : watches_) {
    if (watch.expired || watch.deadline > now) continue;
    watch.expired = true;
    act(watch.fd, watch.identity);
  }
}

std::optional<ReadDeadlines::Clock::time_point> ReadDeadlines::Next() const {
  std::optional<Clock::time_point> next;
  for (const auto& [token, watch] : watches_) {
    if (!watch.expired && (!next || watch.deadline < *next)) next = watch.deadline;
  }
  return next;
}

}  // namespace deployhook
