#pragma once
// Turns the runner's "started" and "finished" into messages in the outbox, one per notifier
// that wants them. Never sends anything itself: the OutboxSender does, on its own thread.

#include <functional>
#include <memory>

#include "config/config.hpp"
#include "util/log.hpp"
#include "notify/outbox.hpp"
#include "notify/run_event.hpp"
#include "deploy/run_observer.hpp"

namespace deployhook {

using ConfigSource = std::function<std::shared_ptr<const Config>()>;

class RunNotifier final : public RunObserver {
 public:
  // `config` returns the configuration in force (a reload changes the notifiers); `wake` is
  // called after messages were put in the outbox.
  RunNotifier(ConfigSource config, Outbox& outbox, const Logger& log, std::function<void()> wake);

  void OnStarted(const RunRecord& run) noexcept override;
  void OnFinished(const RunRecord& run) noexcept override;

 private:
  void Notify(const RunEvent& event) noexcept;
  // Puts the commit status for the event when its target has one and the run a commit.
  void PutStatus(const Config& config, const RunEvent& event);

  ConfigSource config_;
  Outbox& outbox_;
  const Logger& log_;
  std::function<void()> wake_;
};

// Returns the event for a finished run: its duration and, for a failure, the failing step and
// the tail of the run's output read from run.log (missing output is left empty).
RunEvent FinishedEvent(const RunRecord& run);

}  // namespace deployhook
