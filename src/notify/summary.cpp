#include "notify/summary.hpp"

#include <algorithm>

namespace deployhook {


std::string SummaryTitle(const RunEvent& event) {
  if (event.event == NotifyEvent::Test) return event.run.target + ": test message from deployhook";
  bool started = event.event == NotifyEvent::Started;
  std::string what = started ? std::string(Name(event.run.kind)) + " started" : std::string(Name(event.event));
  if (!started && event.run.kind == RunKind::Rollback) what = "rollback " + what;
  return event.run.target + ": " + what;
}

std::string SummaryDetails(const RunEvent& event) {
  const RunRecord& run = event.run;
  std::string out = "commit " + (run.commit.empty() ? std::string("(none)") : run.commit.substr(0, 7));
  if (event.seconds) out += ", took " + std::to_string(*event.seconds) + "s";
  out += "\nrun " + run.id;
  if (!event.failed_step.empty()) {
    out += "\nfailed step: " + event.failed_step + " (exit " +
           std::to_string(event.failed_exit_code) + ")";
  }
  return out;
}

std::string OutputTail(std::string_view output, std::size_t max_lines, std::size_t max_bytes) {
  while (!output.empty() && output.back() == '\n') output.remove_suffix(1);
  if (max_lines == 0) return "";
  std::size_t start = output.size();
  std::size_t lines = 0;
  while (start > 0) {
    std::size_t newline = output.rfind('\n', start - 1);
    if (newline == std::string_view::npos) {
      start = 0;
    } else if (++lines == max_lines) {
      start = newline + 1;
    } else {
      start = newline;
      continue;
    }
    break;
  }
  std::string_view tail = output.substr(start);
  if (tail.size() > max_bytes) tail = tail.substr(tail.size() - max_bytes);
  std::string out(tail);
  std::replace_if(out.begin(), out.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return (byte < 0x20 && c != '\n' && c != '\t') || byte == 0x7f;
  }, '?');
  return out;
}

}  // namespace deployhook
