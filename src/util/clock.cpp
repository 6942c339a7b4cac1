#include "util/clock.hpp"

#include <sys/random.h>

#include <cstdint>
#include <cstdio>
#include <ctime>

namespace deployhook {
namespace {

struct Parts {
  std::tm tm{};
  long millis = 0;
};

Parts Split(SystemTime time) {
  using namespace std::chrono;
  auto since_epoch = time.time_since_epoch();
  std::time_t seconds = duration_cast<std::chrono::seconds>(since_epoch).count();
  Parts parts;
  parts.millis = static_cast<long>(duration_cast<milliseconds>(since_epoch).count() % 1000);
  gmtime_r(&seconds, &parts.tm);
  return parts;
}

class RealClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point SteadyNow() override { return std::chrono::steady_clock::now(); }
  SystemTime WallNow() override { return std::chrono::system_clock::now(); }
  bool Sleep(std::chrono::milliseconds duration, const StopFlag& stop) override {
    return stop.WaitFor(duration);
  }
};

}  // namespace

Clock& SystemClock() {
  static RealClock clock;
  return clock;
}

std::string FormatRfc3339(SystemTime time) {
  Parts p = Split(time);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", p.tm.tm_year + 1900,
                p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec, p.millis);
  return text;
}

std::string NewId(SystemTime now) {
  Parts p = Split(now);
  std::uint32_t random = 0;
  if (getrandom(&random, sizeof random, 0) != sizeof random) {
    random = static_cast<std::uint32_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  }
  char text[64];
  std::snprintf(text, sizeof text, "%04d%02d%02dT%02d%02d%02d%03ldZ-%08x", p.tm.tm_year + 1900,
                p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec, p.millis,
                random);
  return text;
}

std::optional<SystemTime> ParseRfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.mmm]Z
  auto digits = [&](std::size_t at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      out = out * 10 + (text[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int millis = 0;
  bool ok = text.size() >= 20 && digits(0, 4, tm.tm_year) && text[4] == '-' && digits(5, 2, tm.tm_mon) &&
            text[7] == '-' && digits(8, 2, tm.tm_mday) && text[10] == 'T' && digits(11, 2, tm.tm_hour) &&
            text[13] == ':' && digits(14, 2, tm.tm_min) && text[16] == ':' && digits(17, 2, tm.tm_sec);
  if (!ok) return std::nullopt;
  std::size_t end = 19;
  if (text.size() == 24 && text[19] == '.' && digits(20, 3, millis)) end = 23;
  if (end + 1 != text.size() || text[end] != 'Z') return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t seconds = ::timegm(&tm);
  if (seconds == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

}  // namespace deployhook
