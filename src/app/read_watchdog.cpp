#include "app/read_watchdog.hpp"

#include <sys/socket.h>
#include <sys/stat.h>

namespace deployhook {
namespace {

// Returns what tells the socket on `fd` from a later one given the same number: sockets'
// inode numbers come from a counter.
std::uint64_t IdentityOf(int fd) {
  struct stat status {};
  return ::fstat(fd, &status) == 0 ? static_cast<std::uint64_t>(status.st_ino) : 0;
}

}  // namespace

ReadWatchdog::ReadWatchdog() : thread_([this] { Run(); }) {}

ReadWatchdog::~ReadWatchdog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void ReadWatchdog::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    std::optional<Clock::time_point> next = deadlines_.Next();
    if (next) {
      changed_.wait_until(lock, *next);
    } else {
      changed_.wait(lock);
    }
    // Under the lock: a watched connection is not closed before its watch finishes, so the
    // number names the connection watched (and the identity guards against libfcgi having
    // closed it on an error of its own).
    deadlines_.Expire(Clock::now(), [](int fd, std::uint64_t identity) {
      if (IdentityOf(fd) == identity) ::shutdown(fd, SHUT_RD);
    });
  }
}

ReadWatchdog::Watch::Watch(ReadWatchdog& watchdog, int fd, Clock::time_point deadline)
    : watchdog_(watchdog) {
  std::uint64_t identity = IdentityOf(fd);
  bool sooner = false;
  {
    std::lock_guard lock(watchdog_.mutex_);
    std::optional<Clock::time_point> next = watchdog_.deadlines_.Next();
    token_ = watchdog_.deadlines_.Start(fd, identity, deadline);
    sooner = !next || deadline < *next;
  }
  if (sooner) watchdog_.changed_.notify_all();
}

bool ReadWatchdog::Watch::Expired() const {
  std::lock_guard lock(watchdog_.mutex_);
  return watchdog_.deadlines_.Expired(token_);
}

bool ReadWatchdog::Watch::Finish() {
  std::lock_guard lock(watchdog_.mutex_);
  if (finished_) return false;
  finished_ = true;
  return watchdog_.deadlines_.Finish(token_);
}

}  // namespace deployhook
