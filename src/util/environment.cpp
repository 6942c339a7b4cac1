#include "util/environment.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace deployhook {

std::chrono::milliseconds MillisecondsFromEnvironment(const char* name,
                                                      std::chrono::milliseconds fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr) return fallback;
  std::string_view value(text);
  long long ms = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
  if (error != std::errc() || end != value.data() + value.size() || ms < 1 || ms > 600000) {
    return fallback;
  }
  return std::chrono::milliseconds(ms);
}

}  // namespace deployhook
