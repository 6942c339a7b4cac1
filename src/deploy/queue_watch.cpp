#include "deploy/queue_watch.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

#include "state/state_owner.hpp"

namespace deployhook {
namespace {

// A job file appears whole by rename; an operator's copy ends with a close after writing.
constexpr std::uint32_t JOB_EVENTS = IN_MOVED_TO | IN_CLOSE_WRITE;
// A target's directory appears with its first job.
constexpr std::uint32_t QUEUE_EVENTS = IN_CREATE | IN_MOVED_TO | IN_ONLYDIR;
// A resume removes the pause file.
constexpr std::uint32_t PAUSE_EVENTS = IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR;
constexpr std::string_view PAUSE_SUFFIX = ".json";

}  // namespace

QueueWatch::QueueWatch(const std::filesystem::path& state_dir)
    : queue_(state_dir / "queue"),
      inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      nudge_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  std::optional<FileOwner> owner = StateOwner(state_dir);
  std::filesystem::path paused = state_dir / "paused";
  EnsureOwnedDirectory(queue_, owner);
  EnsureOwnedDirectory(paused, owner);
  if (!inotify_) {
    complete_ = false;
    return;
  }
  queue_watch_ = ::inotify_add_watch(inotify_.get(), queue_.c_str(), QUEUE_EVENTS);
  paused_watch_ = ::inotify_add_watch(inotify_.get(), paused.c_str(), PAUSE_EVENTS);
  complete_ = queue_watch_ >= 0 && paused_watch_ >= 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(queue_, error)) {
    if (entry.is_directory(error)) WatchTargetDirectory(entry.path().filename().string());
  }
}

void QueueWatch::WatchTargetDirectory(const std::string& name) {
  int watch = ::inotify_add_watch(inotify_.get(), (queue_ / name).c_str(), JOB_EVENTS | IN_ONLYDIR);
  if (watch >= 0) {
    target_watches_[watch] = name;
  } else if (errno != ENOENT && errno != ENOTDIR) {
    complete_ = false;
  }
}

void QueueWatch::Nudge() noexcept {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t written = ::write(nudge_.get(), &one, sizeof one);
}

QueueNews QueueWatch::Wait(std::chrono::milliseconds fallback) {
  QueueNews news;
  pollfd entries[] = {{nudge_.get(), POLLIN, 0}, {inotify_.get(), POLLIN, 0}};
  nfds_t count = inotify_ ? 2 : 1;
  int ready = ::poll(entries, count, static_cast<int>(fallback.count()));
  if (ready <= 0) {
    news.everything = ready == 0 || errno != EINTR;
    return news;
  }
  if (entries[0].revents != 0) {
    std::uint64_t nudges = 0;
    [[maybe_unused]] ssize_t got = ::read(nudge_.get(), &nudges, sizeof nudges);
    news.everything = true;
  }
  if (count == 2 && entries[1].revents != 0) ReadEvents(news);
  return news;
}

void QueueWatch::ReadEvents(QueueNews& news) {
  alignas(inotify_event) char buffer[16384];
  for (;;) {
    ssize_t length = ::read(inotify_.get(), buffer, sizeof buffer);
    if (length <= 0) return;  // EAGAIN: all read
    for (char* at = buffer; at < buffer + length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      std::string name = event->len > 0 ? std::string(event->name) : std::string();
      if (event->mask & IN_Q_OVERFLOW) {
        news.everything = true;
      } else if (event->mask & IN_IGNORED) {
        target_watches_.erase(event->wd);
      } else if (event->wd == queue_watch_) {
        WatchTargetDirectory(name);  // then its first jobs, already there, are looked at
        news.targets.insert(name);
      } else if (event->wd == paused_watch_) {
        if (name.ends_with(PAUSE_SUFFIX)) news.targets.insert(name.substr(0, name.size() - PAUSE_SUFFIX.size()));
      } else if (auto found = target_watches_.find(event->wd); found != target_watches_.end()) {
        news.targets.insert(found->second);
      }
    }
  }
}

}  // namespace deployhook
