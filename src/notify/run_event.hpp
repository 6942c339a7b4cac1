#pragma once
// What a notification is about: one run starting or finishing.

#include <optional>
#include <string>

#include "config/notify_event.hpp"
#include "state/history.hpp"

namespace deployhook {

struct RunEvent {
  NotifyEvent event = NotifyEvent::Started;  // Started, the run's result, or Test (notify-test)
  RunRecord run;
  std::optional<long> seconds = std::nullopt;  // finished runs: how long the run took
  // failures: the last step that did not exit 0, and its exit code
  std::string failed_step{};
  int failed_exit_code = 0;
  std::string output_tail{};  // failures: the last lines of the run's output, bounded and cleaned
};


}  // namespace deployhook
