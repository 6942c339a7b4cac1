#include "refused_closes.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace {

std::atomic<long> refused{0};

}  // namespace

// Found before the C library's by every call in this program (the libraries under test are
// linked in statically). Async-signal-safe, as close() is: a forked child calls it before exec.
extern "C" int close(int fd) {
  long result = ::syscall(SYS_close, fd);
  if (result != 0 && errno == EBADF) refused.fetch_add(1, std::memory_order_relaxed);
  return static_cast<int>(result);
}

namespace deployhook::testing {

long RefusedCloses() { return refused.load(); }

}  // namespace deployhook::testing
