#include "deploy/compose_choices.hpp"

namespace deployhook {

ComposeChoice ComposeChoices::For(const std::vector<std::string>& configured) {
  {
    std::lock_guard lock(mutex_);
    if (auto found = chosen_.find(configured); found != chosen_.end()) return found->second;
  }
  // Probed without the lock: a slow probe of one target does not hold up another's run.
  ComposeChoice choice = probe_(configured);
  if (!choice.argv.empty() && !choice.version.empty()) {
    std::lock_guard lock(mutex_);
    chosen_.insert_or_assign(configured, choice);
  }
  return choice;
}

void ComposeChoices::Forget() {
  std::lock_guard lock(mutex_);
  chosen_.clear();
}

}  // namespace deployhook
