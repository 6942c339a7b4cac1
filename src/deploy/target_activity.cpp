#include "deploy/target_activity.hpp"

namespace deployhook {

std::string_view ActivityName(Activity activity) noexcept {
  switch (activity) {
    case Activity::Idle: return "idle";
    case Activity::Waiting: return "waiting";
    case Activity::Running: return "running";
  }
  return "idle";
}

}  // namespace deployhook
