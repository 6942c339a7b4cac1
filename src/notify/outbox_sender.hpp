#pragma once
// The one thread that drains the outbox: sends each message when it is due, removes it after a
// 2xx or a final give-up, otherwise stores its next try. One sender per state_dir sends (a lock
// in state_dir/locks), so workers sharing a state_dir never send a message twice at once.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "util/log.hpp"
#include "util/http_client.hpp"
#include "notify/outbox.hpp"
#include "notify/retry_schedule.hpp"
#include "notify/run_notifier.hpp"

namespace deployhook {

struct SenderTiming {
  std::chrono::milliseconds first_retry = RETRY_FIRST;
  // Messages other processes put in the outbox are seen this often.
  std::chrono::milliseconds poll{5000};
};

// Returns the default timing, with the first retry delay from DEPLOYHOOK_TEST_NOTIFY_RETRY_MS
// when a test suite set it (milliseconds, 1 to 600000). Test-only, not documented.
SenderTiming SenderTimingFromEnvironment();

class OutboxSender {
 public:
  using Post = std::function<HttpResult(const HttpRequest&, const std::atomic<bool>& abort)>;

  OutboxSender(ConfigSource config, Outbox& outbox, std::filesystem::path state_dir,
               const Logger& log, SenderTiming timing = {}, Post post = nullptr);
  ~OutboxSender();

  void Start();
  // Looks at the outbox now (a message was put there).
  void Wake() noexcept;
  // Ends the thread; a send in progress is cut short. Returns within a few milliseconds.
  void Stop() noexcept;

 private:
  void Loop();
  // Sends what is due; returns when to look again.
  std::chrono::milliseconds SendDue();
  // Tries the message once; returns true while it stays in the outbox (a retry is due later).
  bool Send(OutboxMessage& message, std::int64_t now_ms);

  ConfigSource config_;
  Outbox& outbox_;
  std::filesystem::path state_dir_;
  const Logger& log_;
  SenderTiming timing_;
  Post post_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::size_t unreadable_reported_ = 0;
};

}  // namespace deployhook
