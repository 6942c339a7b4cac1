#pragma once
// Bounds how long a request thread reads one connection: past its deadline, the connection's
// reading side is shut down, so the read libfcgi is blocked in returns (end of input) and the
// thread answers 408 instead of waiting on a client that sends slowly or not at all.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "http/read_deadlines.hpp"

namespace deployhook {

class ReadWatchdog {
 public:
  using Clock = ReadDeadlines::Clock;

  // Starts the thread that keeps the deadlines. Throws std::system_error when it cannot.
  ReadWatchdog();
  ~ReadWatchdog();
  ReadWatchdog(const ReadWatchdog&) = delete;
  ReadWatchdog& operator=(const ReadWatchdog&) = delete;

  // One connection's watch, from construction until Finish or destruction. The connection must
  // stay open until then: the watchdog may shut its reading side down meanwhile.
  class Watch {
   public:
    Watch(ReadWatchdog& watchdog, int fd, Clock::time_point deadline);
    ~Watch() { Finish(); }
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    // Returns true when the deadline passed and reading was shut down.
    bool Expired() const;
    // Ends the watch (before the connection is closed); returns Expired() as it was.
    bool Finish();

   private:
    ReadWatchdog& watchdog_;
    std::uint64_t token_ = 0;
    bool finished_ = false;
  };

 private:
  void Run();

  std::mutex mutex_;
  std::condition_variable changed_;
  ReadDeadlines deadlines_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace deployhook
