#pragma once
// The only file that knows FastCGI: `threads` threads take each request that arrives, turn it
// into plain values for the Handler current at that moment and write its Response back.
//
// Connections wait in one epoll set, not in threads: a kept connection (nginx
// `fastcgi_keep_conn on`) between two requests is held by no thread, so however many the proxy
// keeps, a new connection or the next request on any of them is taken by the first free thread.
// libfcgi still reads and writes every request; only accepting is done here.

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "http/handler_slot.hpp"
#include "http/idle_connections.hpp"
#include "read/read_side.hpp"
#include "util/unique_fd.hpp"

struct FCGX_Request;

namespace deployhook {

class FcgiServer {
 public:
  // Starts `threads` threads serving `listen_fd`, which must stay open while they run. The
  // signal handlers libfcgi installs (SIGUSR1 would make a thread leave after one more request)
  // are put back as they were, so signals stay the caller's to handle. GET requests below the
  // hook path go to `read_side`. Throws std::system_error when epoll cannot be set up.
  FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side);
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
  // Serves the request waiting on `fd` (`known`: fd is in the epoll set), then parks fd when
  // the proxy keeps it.
  void ServeRequest(FCGX_Request& request, int fd, bool known);
  // Waits for `fd`'s next request in the epoll set (`known`: it is in the set already).
  void Park(int fd, bool known);
  void CloseIdle();

  int listen_fd_;
  HandlerSlot& handlers_;
  ReadSide& read_side_;
  std::chrono::milliseconds keep_idle_;
  UniqueFd epoll_;
  UniqueFd wake_;  // an eventfd: readable once the server stops
  IdleConnections idle_;
  std::atomic<std::int64_t> next_sweep_{0};  // steady_clock ticks
  std::vector<std::thread> threads_;
  std::atomic<int> running_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace deployhook
