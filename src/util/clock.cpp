#include "clock.hpp"

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

}  // namespace

std::string FormatRfc3339(SystemTime time) {
  Parts p = Split(time);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", p.tm.tm_year + 1900,
                p.tm.tm_mon + 1, p.tm.tm_mday, p.tm.tm_hour, p.tm.tm_min, p.tm.tm_sec, p.millis);
  return text;
}

std::optional<SystemTime> ParseRfc3339(std::string_view text) {
  std::tm tm{};
  int millis = 0;
  int used = 0;
  std::string copy(text);
  int fields = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used);
  if (fields != 6) return std::nullopt;
  std::string_view rest = text.substr(static_cast<std::size_t>(used));
  if (rest.size() == 5 && rest[0] == '.') {
    for (char digit : rest.substr(1, 3)) {
      if (digit < '0' || digit > '9') return std::nullopt;
      millis = millis * 10 + (digit - '0');
    }
    rest.remove_prefix(4);
  }
  if (rest != "Z") return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t seconds = timegm(&tm);
  if (seconds == -1) return std::nullopt;
  return SystemTime(std::chrono::seconds(seconds)) + std::chrono::milliseconds(millis);
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

}  // namespace deployhook
