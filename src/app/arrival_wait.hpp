#pragma once
// Connections whose request has begun to arrive but is not whole yet wait here, held by no
// thread, in an epoll set of their own (edge-triggered: woken by each new piece of input, not
// by the input already there). A connection is handed to the request threads once `ready_now`
// says so (its request is whole, or its head is refused, say) or its peer hung up, or when its
// deadline passes (the thread then answers 408 at once). So clients that announce
// a body and send it slowly, or not at all, cannot take the threads from everyone else.

#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "util/unique_fd.hpp"

namespace deployhook {

// How long a discarded connection may be quiet before it is closed.
constexpr std::chrono::milliseconds DISCARD_QUIET{1000};

class ArrivalWait {
 public:
  using Clock = std::chrono::steady_clock;
  // Called on the wait's own thread with a connection to hand over, the connection's `known`
  // flag as given to Add, and when its request was first seen.
  using Ready = std::function<void(int fd, bool known, Clock::time_point first_seen)>;

  // Returns true when a request thread should take the connection on fd now.
  using ReadyNow = std::function<bool(int fd)>;

  // Starts the thread. Throws std::system_error when epoll cannot be set up.
  ArrivalWait(ReadyNow ready_now, Ready ready);
  ~ArrivalWait();
  ArrivalWait(const ArrivalWait&) = delete;
  ArrivalWait& operator=(const ArrivalWait&) = delete;

  // Holds `fd` until its request is whole or `deadline` passes. Throws std::system_error when
  // it cannot be watched (the caller still owns fd then).
  void Add(int fd, bool known, Clock::time_point first_seen, Clock::time_point deadline);

  // Holds `fd`, whose request was answered without reading its body, and throws away what its
  // peer still sends, without a thread, until the peer stops: it is closed once it has been quiet
  // for DISCARD_QUIET, or at `deadline`. A proxy that sends the whole body before it reads the
  // answer (Caddy) then gets the answer, not a broken connection. Closes fd when it cannot hold it.
  void Discard(int fd, Clock::time_point deadline);

  // Stops the thread and returns the connections still held, for the caller to close.
  std::vector<int> Stop();

 private:
  struct Entry {
    bool known;
    Clock::time_point first_seen;
    Clock::time_point deadline;    // handed over (or, discarding, closed) then at the latest
    bool discard;                  // a refused request's connection, read and thrown away
    Clock::time_point quiet_until;  // discarding: closed then unless more arrives
  };

  void Run();
  // Reads and throws away what has arrived on a discarded connection; returns false once the
  // peer closed it (or it failed).
  static bool DiscardArrived(int fd);
  void Watch(int fd);
  // Removes `fd` (the lock held) and returns its entry.
  Entry Remove(int fd);

  ReadyNow ready_now_;
  Ready ready_;
  UniqueFd epoll_;
  UniqueFd wake_;  // an eventfd: readable when an entry was added, or when stopping
  std::mutex mutex_;
  std::unordered_map<int, Entry> entries_;
  bool stopped_ = false;
  std::thread thread_;
};

}  // namespace deployhook
