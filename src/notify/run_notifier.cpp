#include "notify/run_notifier.hpp"

#include "util/clock.hpp"
#include "state/file_tail.hpp"
#include "notify/commit_status.hpp"
#include "notify/format.hpp"
#include "notify/summary.hpp"

namespace deployhook {
namespace {

std::int64_t UnixMs(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

RunEvent FinishedEvent(const RunRecord& run) {
  RunEvent event{.event = EventOf(run.result), .run = run};
  std::optional<SystemTime> started = ParseRfc3339(run.started_at);
  std::optional<SystemTime> finished = ParseRfc3339(run.finished_at);
  if (started && finished) {
    event.seconds = static_cast<long>(
        std::chrono::duration_cast<std::chrono::seconds>(*finished - *started).count());
  }
  if (!IsFailure(event.event)) return event;
  for (auto step = run.steps.rbegin(); step != run.steps.rend(); ++step) {
    if (step->exit_code != 0) {
      event.failed_step = step->name;
      event.failed_exit_code = step->exit_code;
      break;
    }
  }
  // Read a little more than is kept: the tail is cut at a line boundary.
  event.output_tail = OutputTail(ReadFileTail(run.log, 2 * TAIL_BYTES).value_or(""), TAIL_LINES, TAIL_BYTES);
  return event;
}

RunNotifier::RunNotifier(ConfigSource config, Outbox& outbox, const Logger& log,
                         std::function<void()> wake)
    : config_(std::move(config)), outbox_(outbox), log_(log), wake_(std::move(wake)) {}

void RunNotifier::OnStarted(const RunRecord& run) noexcept {
  Notify(RunEvent{.event = NotifyEvent::Started, .run = run});
}

void RunNotifier::OnFinished(const RunRecord& run) noexcept {
  try {
    Notify(FinishedEvent(run));
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Error, "notify", {{"target", run.target}, {"reason", e.what()}});
  }
}

void RunNotifier::Notify(const RunEvent& event) noexcept {
  std::shared_ptr<const Config> config = config_();
  bool put = false;
  for (std::size_t i = 0; i < config->notifiers.size(); ++i) {
    const Notifier& notifier = config->notifiers[i];
    if (!notifier.Wants(event.event, event.run.target)) continue;
    try {
      FormattedMessage formatted = FormatFor(notifier.kind, event);
      SystemTime now = std::chrono::system_clock::now();
      OutboxMessage message{.id = NewId(now), .kind = std::string(Name(notifier.kind)), .notifier = i,
                            .target = event.run.target, .event = std::string(Name(event.event)),
                            .headers = std::move(formatted.headers),
                            .body = std::move(formatted.body), .attempts = 0,
                            .created_ms = UnixMs(now), .next_try_ms = UnixMs(now)};
      outbox_.Put(message);
      put = true;
    } catch (const std::exception& e) {
      log_.Log(LogLevel::Error, "notify",
               {{"kind", Name(notifier.kind)}, {"target", event.run.target}, {"event", Name(event.event)},
                {"reason", std::string("cannot store the notification: ") + e.what()}});
    }
  }
  try {
    PutStatus(*config, event);
    put = true;
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Error, "notify",
             {{"kind", "status"}, {"target", event.run.target}, {"event", Name(event.event)},
              {"reason", std::string("cannot store the commit status: ") + e.what()}});
  }
  if (put && wake_) wake_();
}

void RunNotifier::PutStatus(const Config& config, const RunEvent& event) {
  const std::string& sha = event.run.commit;
  if (sha.empty()) return;  // a manual run aims at no commit
  for (const Target& target : config.targets) {
    if (target.name != event.run.target || !target.status) continue;
    StatusPost post = CommitStatusPost(target, sha, event.event);
    SystemTime now = std::chrono::system_clock::now();
    outbox_.Put(OutboxMessage{.id = NewId(now), .kind = "status", .notifier = 0,
                              .target = target.name, .event = std::string(Name(event.event)),
                              .headers = {{"Content-Type", "application/json"}},
                              .body = std::move(post.body), .attempts = 0,
                              .created_ms = UnixMs(now), .next_try_ms = UnixMs(now),
                              .url = std::move(post.url)});
  }
}

}  // namespace deployhook
