#include "app/arrival_wait.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <system_error>


namespace deployhook {
namespace {

constexpr int WAKE_TOKEN = -1;
constexpr int EVENT_BATCH = 64;

}  // namespace

ArrivalWait::ArrivalWait(ReadyNow ready_now, Ready ready)
    : ready_now_(std::move(ready_now)),
      ready_(std::move(ready)),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  if (!epoll_ || !wake_) throw std::system_error(errno, std::generic_category(), "epoll");
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = WAKE_TOKEN;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &event) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
  thread_ = std::thread([this] { Run(); });
}

ArrivalWait::~ArrivalWait() {
  for (int fd : Stop()) ::close(fd);
}

void ArrivalWait::Add(int fd, bool known, Clock::time_point first_seen, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  entries_[fd] = Entry{.known = known, .first_seen = first_seen, .deadline = deadline,
                       .discard = false, .quiet_until = deadline};
  Watch(fd);
}

void ArrivalWait::Discard(int fd, Clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  auto now = Clock::now();
  entries_[fd] = Entry{.known = false, .first_seen = now, .deadline = deadline, .discard = true,
                       .quiet_until = std::min(deadline, now + DISCARD_QUIET)};
  try {
    Watch(fd);
  } catch (const std::system_error&) {
    ::close(fd);
  }
}

bool ArrivalWait::DiscardArrived(int fd) {
  thread_local std::array<char, 65536> buffer;
  while (true) {
    ssize_t got = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (got > 0) continue;
    return got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
  }
}

void ArrivalWait::Watch(int fd) {
  std::uint64_t one = 1;  // wakes the thread, so that the new entry's deadline counts
  [[maybe_unused]] ssize_t written = ::write(wake_.get(), &one, sizeof one);
  epoll_event event{};
  // Edge-triggered: each new piece of input wakes the wait once; adding it with input present
  // wakes it at once, so its deadline is taken into account.
  event.events = EPOLLIN | EPOLLRDHUP | EPOLLET;
  event.data.fd = fd;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    int error = errno;
    entries_.erase(fd);
    throw std::system_error(error, std::generic_category(), "epoll_ctl");
  }
}

ArrivalWait::Entry ArrivalWait::Remove(int fd) {
  Entry entry = entries_.at(fd);
  entries_.erase(fd);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  return entry;
}

std::vector<int> ArrivalWait::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return {};
    stopped_ = true;
  }
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(wake_.get(), &one, sizeof one);
  thread_.join();
  std::lock_guard lock(mutex_);
  std::vector<int> left;
  for (const auto& [fd, entry] : entries_) left.push_back(fd);  // discarded ones too
  for (int fd : left) Remove(fd);
  return left;
}

void ArrivalWait::Run() {
  std::array<epoll_event, EVENT_BATCH> events{};
  while (true) {
    int timeout = -1;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      auto now = Clock::now();
      for (const auto& [fd, entry] : entries_) {
        auto until = entry.discard ? entry.quiet_until : entry.deadline;
        auto left = std::chrono::ceil<std::chrono::milliseconds>(until - now).count();
        int wait = static_cast<int>(std::max<std::int64_t>(left, 0));
        if (timeout < 0 || wait < timeout) timeout = wait;
      }
    }
    int count = ::epoll_wait(epoll_.get(), events.data(), EVENT_BATCH, timeout);
    std::vector<std::pair<int, Entry>> handed;
    {
      std::lock_guard lock(mutex_);
      if (stopped_) return;
      auto now = Clock::now();
      std::vector<int> closed;
      for (int i = 0; i < count; ++i) {
        const epoll_event& event = events[static_cast<std::size_t>(i)];
        int fd = event.data.fd;
        if (fd == WAKE_TOKEN) {
          std::uint64_t count_read = 0;  // a new entry: its deadline counts from now on
          [[maybe_unused]] ssize_t got = ::read(wake_.get(), &count_read, sizeof count_read);
          continue;
        }
        auto it = entries_.find(fd);
        if (it == entries_.end()) continue;
        if (it->second.discard) {
          if (DiscardArrived(fd)) {
            it->second.quiet_until = std::min(it->second.deadline, now + DISCARD_QUIET);
          } else {
            Remove(fd);  // the peer closed: so does this end
            ::close(fd);
          }
          continue;
        }
        // A peer that hung up sends nothing more: its request is answered (or dropped) now.
        bool hung_up = (event.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
        if (hung_up || ready_now_(fd)) handed.emplace_back(fd, Remove(fd));
      }
      std::vector<int> expired;
      for (const auto& [fd, entry] : entries_) {
        if (entry.discard && entry.quiet_until <= now) closed.push_back(fd);
        if (!entry.discard && entry.deadline <= now) expired.push_back(fd);
      }
      for (int fd : expired) handed.emplace_back(fd, Remove(fd));
      for (int fd : closed) {
        Remove(fd);
        ::close(fd);
      }
    }
    for (const auto& [fd, entry] : handed) ready_(fd, entry.known, entry.first_seen);
  }
}

}  // namespace deployhook
