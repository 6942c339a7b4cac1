#include "notify/outbox_sender.hpp"

#include <algorithm>

#include "state/durable_file.hpp"
#include "util/environment.hpp"
#include "state/file_lock.hpp"
#include "notify/commit_status.hpp"
#include "notify/notify_request.hpp"

namespace deployhook {
namespace {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string_view VerdictName(SendVerdict verdict) {
  switch (verdict) {
    case SendVerdict::Delivered: return "delivered";
    case SendVerdict::Retry: return "retry";
    case SendVerdict::GiveUp: return "gave up";
  }
  return "unknown";
}

// Returns the request sending `message` under `config`, or nothing when what it was for (its
// [[notify]] table, its target's commit status) is no longer configured.
std::optional<HttpRequest> RequestFor(const Config& config, const OutboxMessage& message,
                                      std::int64_t now_ms) {
  if (message.kind == "status") {
    for (const Target& target : config.targets) {
      if (target.name != message.target || !target.status) continue;
      HttpRequest request{message.url, message.headers, message.body, std::nullopt};
      request.headers.push_back(StatusAuthHeader(target.forge, target.status->token));
      return request;
    }
    return std::nullopt;
  }
  if (message.notifier >= config.notifiers.size() ||
      Name(config.notifiers[message.notifier].kind) != message.kind) {
    return std::nullopt;
  }
  return NotifyRequest(config.notifiers[message.notifier], message, now_ms / 1000);
}

}  // namespace

SenderTiming SenderTimingFromEnvironment() {
  SenderTiming timing;
  timing.first_retry =
      MillisecondsFromEnvironment("DEPLOYHOOK_TEST_NOTIFY_RETRY_MS", timing.first_retry);
  timing.poll = std::min(timing.poll, std::max(timing.first_retry, std::chrono::milliseconds(200)));
  return timing;
}

OutboxSender::OutboxSender(ConfigSource config, Outbox& outbox, std::filesystem::path state_dir,
                           const Logger& log, SenderTiming timing, Post post)
    : config_(std::move(config)), outbox_(outbox), state_dir_(std::move(state_dir)), log_(log),
      timing_(timing), post_(std::move(post)) {
  if (!post_) {
    post_ = [](const HttpRequest& request, const std::atomic<bool>& abort) {
      return HttpPost(request, {}, &abort);
    };
  }
}

OutboxSender::~OutboxSender() { Stop(); }

void OutboxSender::Start() { thread_ = std::thread([this] { Loop(); }); }

void OutboxSender::Wake() noexcept {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void OutboxSender::Stop() noexcept {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OutboxSender::Loop() {
  std::optional<FileLock> lock;
  while (!stopping_) {
    std::chrono::milliseconds wait = timing_.poll;
    try {
      if (!lock) {
        EnsureDirectory(state_dir_ / "locks");
        lock = FileLock::TryLock(state_dir_ / "locks" / "outbox.lock");
      }
      if (lock) wait = std::min(wait, SendDue());
    } catch (const std::exception& e) {
      log_.Log(LogLevel::Error, "notify", {{"reason", e.what()}});
    }
    std::unique_lock guard(mutex_);
    wake_.wait_for(guard, wait, [&] { return stopping_.load() || woken_; });
    woken_ = false;
  }
}

std::chrono::milliseconds OutboxSender::SendDue() {
  std::size_t unreadable = 0;
  std::vector<OutboxMessage> messages = outbox_.Pending(&unreadable);
  if (unreadable != unreadable_reported_) {
    unreadable_reported_ = unreadable;
    if (unreadable > 0) {
      log_.Log(LogLevel::Warning, "notify", {{"unreadable", std::to_string(unreadable)},
                                             {"reason", "files in the outbox that are not messages"}});
    }
  }
  std::int64_t next = NowMs() + timing_.poll.count();
  for (OutboxMessage& message : messages) {
    if (stopping_) break;
    std::int64_t now = NowMs();
    if (message.next_try_ms <= now) {
      if (!Send(message, now)) continue;
    }
    next = std::min(next, message.next_try_ms);
  }
  return std::chrono::milliseconds(std::max<std::int64_t>(next - NowMs(), 1));
}

bool OutboxSender::Send(OutboxMessage& message, std::int64_t now_ms) {
  std::shared_ptr<const Config> config = config_();
  std::string attempt = std::to_string(message.attempts + 1);
  std::optional<HttpRequest> request = RequestFor(*config, message, now_ms);
  if (!request) {
    log_.Log(LogLevel::Warning, "notify",
             {{"kind", message.kind}, {"target", message.target}, {"event", message.event},
              {"result", "gave up"}, {"reason", "what it was for is no longer configured"}});
    outbox_.Remove(message);
    return false;
  }
  HttpResult answer = post_(*request, stopping_);
  if (stopping_ && !answer.Answered()) return true;  // cut short by the stop: tried again next start
  SendVerdict verdict = JudgeAnswer(answer);
  std::optional<std::int64_t> next_try;
  if (verdict == SendVerdict::Retry) {
    next_try = NextTryMs(message.attempts + 1, message.created_ms, NowMs(), timing_.first_retry);
    if (!next_try) verdict = SendVerdict::GiveUp;
  }
  std::string status = answer.Answered() ? std::to_string(answer.status) : "";
  std::string retry_in =
      next_try ? std::to_string((*next_try - NowMs() + 999) / 1000) + "s" : "";
  log_.Log(verdict == SendVerdict::Delivered ? LogLevel::Info
           : verdict == SendVerdict::Retry   ? LogLevel::Notice
                                             : LogLevel::Warning,
           "notify",
           {{"kind", message.kind}, {"target", message.target}, {"event", message.event},
            {"status", status}, {"error", answer.error}, {"attempt", attempt},
            {"result", VerdictName(verdict)}, {"retry_in", retry_in}});
  if (verdict == SendVerdict::Retry) {
    ++message.attempts;
    message.next_try_ms = *next_try;
    outbox_.Put(message);
    return true;
  }
  outbox_.Remove(message);
  return false;
}

}  // namespace deployhook
