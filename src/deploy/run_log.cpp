#include "run_log.hpp"

#include <fstream>

namespace deployhook {

RunLog::RunLog(std::filesystem::path path, std::size_t max_bytes)
    : path_(std::move(path)), max_bytes_(max_bytes) {}

void RunLog::Append(std::string_view text) noexcept {
  try {
    text_.append(text);
    if (text_.size() > max_bytes_) {
      constexpr std::string_view CUT = "[... earlier output cut ...]\n";
      text_ = std::string(CUT) + text_.substr(text_.size() - max_bytes_ + CUT.size());
    }
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text_;
  } catch (...) {
    // Best effort by design; see the header.
  }
}

}  // namespace deployhook
