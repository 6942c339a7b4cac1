// deployhook notify-test: one test message to every notifier, now, and what each answered.

#include <cstdio>

#include "util/clock.hpp"
#include "app/commands.hpp"
#include "notify/format.hpp"
#include "notify/notify_request.hpp"
#include "notify/retry_schedule.hpp"

namespace deployhook {
namespace {

// Returns the test event for `notifier`: about its first target (or the first configured).
RunEvent TestEvent(const Config& config, const Notifier& notifier, SystemTime now) {
  RunEvent event{.event = NotifyEvent::Test, .run = {}};
  event.run.id = NewId(now);
  event.run.target = notifier.targets.empty() ? config.targets.front().name : notifier.targets.front();
  event.run.started_at = FormatRfc3339(now);
  event.run.finished_at = event.run.started_at;
  return event;
}

}  // namespace

int RunNotifyTest(const CommandLine& line) {
  Config config = LoadConfigFor(line);
  if (config.notifiers.empty()) {
    std::printf("no [[notify]] tables in %s\n", config.source.c_str());
    return 0;
  }
  int failed = 0;
  for (std::size_t i = 0; i < config.notifiers.size(); ++i) {
    const Notifier& notifier = config.notifiers[i];
    SystemTime now = std::chrono::system_clock::now();
    RunEvent event = TestEvent(config, notifier, now);
    FormattedMessage formatted = FormatFor(notifier.kind, event);
    OutboxMessage message{.id = event.run.id, .kind = std::string(Name(notifier.kind)), .notifier = i,
                          .target = event.run.target, .event = std::string(Name(event.event)),
                          .headers = std::move(formatted.headers),
                          .body = std::move(formatted.body), .attempts = 0, .created_ms = 0,
                          .next_try_ms = 0};
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
    HttpResult answer = HttpPost(NotifyRequest(notifier, message, seconds.count()));
    // The URL is not printed: it often holds a token.
    std::printf("notify[%zu] %s: ", i, std::string(Name(notifier.kind)).c_str());
    if (answer.Answered()) {
      bool delivered = JudgeAnswer(answer) == SendVerdict::Delivered;
      std::printf("HTTP %ld (%s)\n", answer.status, delivered ? "delivered" : "refused");
      if (!delivered) ++failed;
    } else {
      std::printf("no answer: %s\n", answer.error.c_str());
      ++failed;
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace deployhook
