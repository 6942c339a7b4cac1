#include "notify/retry_schedule.hpp"

namespace deployhook {

SendVerdict JudgeAnswer(const HttpResult& result) noexcept {
  long status = result.status;
  if (status >= 200 && status < 300) return SendVerdict::Delivered;
  if (status >= 400 && status < 500 && status != 408 && status != 429) return SendVerdict::GiveUp;
  return SendVerdict::Retry;
}

std::chrono::milliseconds RetryDelay(int failed_tries, std::chrono::milliseconds first) noexcept {
  std::chrono::milliseconds delay = first;
  for (int i = 1; i < failed_tries && delay < RETRY_CAP; ++i) delay *= 2;
  return delay < RETRY_CAP ? delay : RETRY_CAP;
}

std::optional<std::int64_t> NextTryMs(int failed_tries, std::int64_t created_ms,
                                      std::int64_t now_ms,
                                      std::chrono::milliseconds first) noexcept {
  if (now_ms - created_ms >= GIVE_UP_AFTER.count()) return std::nullopt;
  return now_ms + RetryDelay(failed_tries, first).count();
}

}  // namespace deployhook
