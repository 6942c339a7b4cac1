#pragma once
// The only file that knows FastCGI: accept threads turn each request into plain values for the
// Handler current when it arrives and write its Response back.

#include <atomic>
#include <list>
#include <mutex>
#include <chrono>
#include <thread>
#include <vector>

#include "handler_slot.hpp"
#include "read_side.hpp"

struct FCGX_Request;

namespace deployhook {

// Accept threads: `threads` of them always; more while kept connections (nginx `keepalive`
// with `fastcgi_keep_conn on`) hold them all and a new connection waits, up to 4 x threads; an
// extra thread leaves once another is free.
class FcgiServer {
 public:
  // Starts `threads` accept threads on `listen_fd`, which must stay open while they run. The
  // signal handlers libfcgi installs (SIGUSR1 would make each thread leave after one more
  // request) are put back as they were, so signals stay the caller's to handle.
  // GET requests below the hook path go to `read_side`.
  FcgiServer(int listen_fd, int threads, HandlerSlot& handlers, ReadSide& read_side);
  ~FcgiServer();
  FcgiServer(const FcgiServer&) = delete;
  FcgiServer& operator=(const FcgiServer&) = delete;

  // Stops accepting and waits up to `grace` for requests in progress; returns false when some
  // thread was still busy then (it is left behind; the caller is about to exit).
  bool Stop(std::chrono::milliseconds grace) noexcept;

 private:
  struct Slot {
    std::thread thread;
    std::atomic<bool> done{false};
  };

  // Starts an accept thread (`extra`: one that leaves when another is free; `counted`: already
  // counted in accepting_). Returns false when stopping, or for an extra one at the cap.
  bool Spawn(bool extra, bool counted);
  void AcceptLoop(bool extra, bool counted);
  // Returns true when a request was accepted; false when this thread should leave.
  bool AcceptNext(FCGX_Request& request, bool extra, bool& counted);

  int listen_fd_;
  HandlerSlot& handlers_;
  ReadSide& read_side_;
  int max_threads_;
  std::mutex threads_mutex_;
  std::list<Slot> threads_;
  std::atomic<int> running_{0};
  std::atomic<int> accepting_{0};  // threads waiting for a new connection
  std::atomic<bool> stopping_{false};
};

}  // namespace deployhook
