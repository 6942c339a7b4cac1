#include "notify/run_notifier.hpp"

#include <fstream>

#include "util/clock.hpp"
#include "notify/commit_status.hpp"
#include "notify/format.hpp"
#include "notify/summary.hpp"

namespace deployhook {
namespace {

// Returns the last `bytes` bytes of the file, or "" when it cannot be read.
std::string ReadEnd(const std::string& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff start = size > static_cast<std::streamoff>(bytes) ? size - static_cast<std::streamoff>(bytes) : 0;
  in.seekg(start);
  std::string out(static_cast<std::size_t>(size - start), '\0');
  in.read(out.data(), static_cast<std::streamsize>(out.size()));
  out.resize(static_cast<std::size_t>(in.gcount()));
  return out;
}

std::int64_t UnixMs(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

}  // namespace

RunEvent FinishedEvent(const RunRecord& run) {
  RunEvent event{run.result, run, std::nullopt, "", 0, ""};
  std::optional<SystemTime> started = ParseRfc3339(run.started_at);
  std::optional<SystemTime> finished = ParseRfc3339(run.finished_at);
  if (started && finished) {
    event.seconds = static_cast<long>(
        std::chrono::duration_cast<std::chrono::seconds>(*finished - *started).count());
  }
  if (!IsFailure(run.result)) return event;
  for (auto step = run.steps.rbegin(); step != run.steps.rend(); ++step) {
    if (step->exit_code != 0) {
      event.failed_step = step->name;
      event.failed_exit_code = step->exit_code;
      break;
    }
  }
  // Read a little more than is kept: the tail is cut at a line boundary.
  event.output_tail = OutputTail(ReadEnd(run.log, 2 * TAIL_BYTES), TAIL_LINES, TAIL_BYTES);
  return event;
}

RunNotifier::RunNotifier(ConfigSource config, Outbox& outbox, const Logger& log,
                         std::function<void()> wake)
    : config_(std::move(config)), outbox_(outbox), log_(log), wake_(std::move(wake)) {}

void RunNotifier::OnStarted(const RunRecord& run) noexcept {
  Notify(RunEvent{"started", run, std::nullopt, "", 0, ""});
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
      OutboxMessage message{NewId(now), notifier.kind, i, event.run.target, event.event,
                            std::move(formatted.headers), std::move(formatted.body), 0,
                            UnixMs(now), UnixMs(now), ""};
      outbox_.Put(message);
      put = true;
    } catch (const std::exception& e) {
      log_.Log(LogLevel::Error, "notify",
               {{"kind", notifier.kind}, {"target", event.run.target}, {"event", event.event},
                {"reason", std::string("cannot store the notification: ") + e.what()}});
    }
  }
  try {
    PutStatus(*config, event);
    put = true;
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Error, "notify",
             {{"kind", "status"}, {"target", event.run.target}, {"event", event.event},
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
    outbox_.Put(OutboxMessage{NewId(now), "status", 0, target.name, event.event,
                              {{"Content-Type", "application/json"}}, std::move(post.body), 0,
                              UnixMs(now), UnixMs(now), std::move(post.url)});
  }
}

}  // namespace deployhook
