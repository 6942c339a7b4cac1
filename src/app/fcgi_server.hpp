#pragma once
// The only file that knows FastCGI: `threads` threads take each request that arrives, turn it
// into plain values for the Handler current at that moment and write its Response back.
//
// Connections wait in one epoll set, not in threads: a kept connection (nginx
// `fastcgi_keep_conn on`) between two requests is held by no thread, so however many the proxy
// keeps, a new connection or the next request on any of them is taken by the first free thread.
// libfcgi still reads and writes every request; only accepting is done here.
//
// A request whose input has begun to arrive but is not whole waits in an ArrivalWait, held by no
// thread either, until it is whole or body_timeout passes. A thread reads one request until
// body_timeout after it was first seen at most (a watchdog ends the reading past that, and the
// request is answered 408); a request refused before its body is answered at once and its
// connection closed, without waiting for the body.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <thread>
#include <vector>

#include "http/handler_slot.hpp"
#include "http/idle_connections.hpp"
#include "read/read_side.hpp"
#include "app/arrival_wait.hpp"
#include "app/read_watchdog.hpp"
#include "util/log.hpp"
#include "util/unique_fd.hpp"

struct FCGX_Request;

namespace deployhook {

class FcgiServer {
 public:
  // Starts `threads` threads serving `listen_fd`, which must stay open while they run. The
  // signal handlers libfcgi installs (SIGUSR1 would make a thread leave after one more request)
  // are put back as they were, so signals stay the caller's to handle. GET requests below the
  // hook path go to `read_side`. Throws std::system_error when epoll cannot be set up.
  FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side,
             const Logger& log);
  ~FcgiServer();
  FcgiServer(const FcgiServer&) = delete;
  FcgiServer& operator=(const FcgiServer&) = delete;

  // Stops taking requests, waits up to `grace` for those in progress and closes every
  // connection; returns false when some thread was still busy then (it is left behind; the
  // caller is about to exit).
  bool Stop(std::chrono::milliseconds grace) noexcept;

 private:
  void Serve();
  // Accepts the connections waiting; serves the last one's request when it is there already.
  void AcceptPending(FCGX_Request& request);
  // Serves the request on `fd` when it has arrived whole (or must be answered now), else leaves
  // it to arrivals_ (`known`: fd is in the epoll set; `first_seen`: when its request began).
  void Dispatch(FCGX_Request& request, int fd, bool known,
                std::chrono::steady_clock::time_point first_seen);
  // Serves the request waiting on `fd`, reading it until `deadline` at most, then parks fd when
  // the proxy keeps it.
  void ServeRequest(FCGX_Request& request, int fd, bool known,
                    std::chrono::steady_clock::time_point deadline);
  // Returns true when a thread should take the connection on `fd` now: its request is whole,
  // or its head is refused (answered without the body), or it fills PEEK_WINDOW, or it is not
  // a request, or the peer closed. Looks without reading.
  bool ReadyNow(int fd) const;
  // Gives a connection whose request has arrived (or is due) back to the request threads.
  void HandOver(int fd, bool known, std::chrono::steady_clock::time_point first_seen);
  // Returns when the request of a connection handed over under `token` was first seen, if it was.
  std::optional<std::chrono::steady_clock::time_point> TakeHandedOver(std::uint64_t token);
  // Waits for `fd`'s next request in the epoll set (`known`: it is in the set already).
  void Park(int fd, bool known);
  void CloseIdle();
  // Logs a refused connection, at exponentially spaced counts.
  void SayRefused(std::string_view reason) noexcept;

  int listen_fd_;
  HandlerSlot& handlers_;
  ReadSide& read_side_;
  const Logger& log_;  // the "fastcgi" lines: what the accept loop refuses or fails at
  std::atomic<std::uint64_t> refused_{0};  // connections refused for want of descriptors
  std::chrono::milliseconds keep_idle_;
  UniqueFd epoll_;
  UniqueFd wake_;  // an eventfd: readable once the server stops
  IdleConnections idle_;
  ReadWatchdog watchdog_;
  std::mutex handed_mutex_;
  std::unordered_map<std::uint64_t, std::chrono::steady_clock::time_point> handed_;  // by token
  ArrivalWait arrivals_;  // after what HandOver uses: destroyed before it
  std::atomic<std::int64_t> next_sweep_{0};  // steady_clock ticks
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace deployhook
