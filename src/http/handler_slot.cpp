#include "http/handler_slot.hpp"

namespace deployhook {

HandlerSlot::HandlerSlot(std::shared_ptr<const Config> config, JobSink& sink,
                         DeliveryMemory& memory, const Logger& log)
    : sink_(sink), memory_(memory), log_(log),
      current_(std::make_shared<Built>(std::move(config), sink, memory, log)) {}

std::shared_ptr<Handler> HandlerSlot::Current() const {
  std::lock_guard lock(mutex_);
  return {current_, &current_->handler};
}

std::shared_ptr<const Config> HandlerSlot::CurrentConfig() const {
  std::lock_guard lock(mutex_);
  return current_->config;
}

void HandlerSlot::Replace(std::shared_ptr<const Config> config) {
  // Built outside the lock: requests keep taking the old handler meanwhile.
  auto built = std::make_shared<Built>(std::move(config), sink_, memory_, log_);
  std::lock_guard lock(mutex_);
  current_.swap(built);
}

}  // namespace deployhook
