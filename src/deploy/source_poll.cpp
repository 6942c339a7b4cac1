#include "deploy/source_poll.hpp"

#include <algorithm>

#include "deploy/run_source.hpp"
#include "deploy/step_environment.hpp"
#include "source/git_commands.hpp"

namespace deployhook {
namespace {

// How long a look at a server may take, and the longest sleep (a reload's new target is polled
// within it).
constexpr std::chrono::seconds LS_REMOTE_TIMEOUT{30};
constexpr std::chrono::milliseconds LONGEST_SLEEP{1000};

std::string FirstLine(std::string_view text) { return std::string(text.substr(0, text.find('\n'))); }

}  // namespace

std::optional<Job> PollJob(const Target& target, const std::string& tip, const std::string& newest_run_commit,
                           const std::vector<Job>& queued, const std::string& id, const std::string& queued_at) {
  if (tip == newest_run_commit) return std::nullopt;
  if (std::any_of(queued.begin(), queued.end(), [&](const Job& job) { return job.after == tip; })) return std::nullopt;
  return Job{.id = id, .target = target.name, .delivery = "poll", .repository = target.repository,
             .ref = "refs/heads/" + target.branch, .after = tip, .body_sha256 = "", .queued_at = queued_at};
}

SourcePoller::SourcePoller(ConfigSource config, JobQueue& queue, const Logger& log, ExecutorFactory executors,
                           Clock& clock)
    : config_(std::move(config)), queue_(queue), log_(log), executors_(std::move(executors)), clock_(clock) {}

SourcePoller::~SourcePoller() { Stop(); }

void SourcePoller::Start() { thread_ = std::thread([this] { Loop(); }); }

void SourcePoller::Stop() noexcept {
  stopping_.Set();
  if (thread_.joinable()) thread_.join();
}

void SourcePoller::Loop() {
  while (!stopping_.IsSet()) {
    std::shared_ptr<const Config> config = config_();
    auto now = clock_.SteadyNow();
    auto wake = now + LONGEST_SLEEP;
    for (const Target& target : config->targets) {
      if (!target.source || target.source->poll <= 0) continue;
      auto [next, fresh] = next_.try_emplace(target.name, now);
      if (next->second <= now) {
        Look(*config, target);
        next->second = now + std::chrono::seconds(target.source->poll);
      }
      wake = std::min(wake, next->second);
    }
    auto pause = std::chrono::duration_cast<std::chrono::milliseconds>(wake - clock_.SteadyNow());
    if (!clock_.Sleep(std::max(pause, std::chrono::milliseconds(1)), stopping_)) return;
  }
}

void SourcePoller::Look(const Config& config, const Target& target) {
  ProcessSpec spec;
  spec.argv = LsRemoteArgv(target.source->url, target.branch);
  spec.cwd = config.state_dir;
  spec.env = GitEnvironment(*target.source, StepEnvironment());
  spec.timeout = LS_REMOTE_TIMEOUT;
  spec.stderr_apart = true;
  spec.abort = &stopping_.Flag();
  ProcessResult result = executors_(ExecutorSetup{.lock_fd = -1, .abort = nullptr, .pause = {}})->Run(spec);
  std::optional<std::string> tip = ParseRemoteTip(result.output, target.branch);
  if (result.exit_code != 0 || result.timed_out || !tip) {
    if (result.interrupted) return;
    log_.Log(LogLevel::Warning, "poll",
             {{"target", target.name}, {"source", target.source->url},
              {"reason", result.exit_code != 0 || result.timed_out ? "ls-remote failed: " + FirstLine(result.error_output)
                                                                   : "the branch has no tip"}});
    return;
  }
  try {
    TargetPast past = ReadTargetPast(config.state_dir, target.name);
    SystemTime now = clock_.WallNow();
    std::optional<Job> job = PollJob(target, *tip, past.newest_commit, queue_.Pending(target.name), NewId(now),
                                     FormatRfc3339(now));
    if (!job) return;
    queue_.Enqueue({*job});
    log_.Log(LogLevel::Notice, "poll", {{"target", target.name}, {"commit", *tip}, {"job", job->id},
                                        {"reason", "a branch tip no delivery announced"}});
  } catch (const std::exception& e) {
    log_.Log(LogLevel::Warning, "poll", {{"target", target.name}, {"reason", e.what()}});
  }
}

}  // namespace deployhook
