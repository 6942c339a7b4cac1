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
