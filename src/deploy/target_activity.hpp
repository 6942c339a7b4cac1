#pragma once
// What each target's runner thread in this process does now, for the read side.

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace deployhook {

enum class Activity { Idle, Waiting, Running };  // Waiting: for the commit's image

std::string_view ActivityName(Activity activity) noexcept;

class TargetActivity {
 public:
  void Set(const std::string& target, Activity activity) {
    std::lock_guard lock(mutex_);
    activities_[target] = activity;
  }
  // Returns the target's activity; Idle when nothing was set.
  Activity Get(const std::string& target) const {
    std::lock_guard lock(mutex_);
    auto found = activities_.find(target);
    return found == activities_.end() ? Activity::Idle : found->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Activity> activities_;
};

}  // namespace deployhook
