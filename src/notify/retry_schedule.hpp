#pragma once
// When to try a notification again, and when to give up: pure, the clock passed in.

#include <chrono>
#include <cstdint>
#include <optional>

#include "util/http_client.hpp"

namespace deployhook {

enum class SendVerdict { Delivered, Retry, GiveUp };

// A first retry after about a second, doubling up to ten minutes; messages older than an hour
// at a failed try are given up.
constexpr std::chrono::milliseconds RETRY_FIRST{1000};
constexpr std::chrono::milliseconds RETRY_CAP{std::chrono::minutes(10)};
constexpr std::chrono::milliseconds GIVE_UP_AFTER{std::chrono::hours(1)};

// Returns Delivered for a 2xx, GiveUp for a 4xx other than 408 and 429 (asking again would be
// answered the same), Retry for anything else (5xx, 408, 429, no answer at all).
SendVerdict JudgeAnswer(const HttpResult& result) noexcept;

// Returns the delay after the `failed_tries`-th failed try (1: the first): `first` doubled
// each time, capped at RETRY_CAP.
std::chrono::milliseconds RetryDelay(int failed_tries, std::chrono::milliseconds first) noexcept;

// Returns when to try a message created at `created_ms` (Unix ms) again after its
// `failed_tries`-th failed try at `now_ms`, or nothing once it is GIVE_UP_AFTER old.
std::optional<std::int64_t> NextTryMs(int failed_tries, std::int64_t created_ms,
                                      std::int64_t now_ms, std::chrono::milliseconds first) noexcept;

}  // namespace deployhook
