#pragma once
// What the runner tells about its runs, for whoever wants to pass it on (notifications).

#include "state/history.hpp"

namespace deployhook {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  // A run starts: id, target, kind, commit and started_at are set. Must not block for long.
  virtual void OnStarted(const RunRecord& run) noexcept = 0;
  // A run is in the history (called once per run, after its record was written).
  virtual void OnFinished(const RunRecord& run) noexcept = 0;
};

}  // namespace deployhook
