#pragma once
// The compose command each target runs, chosen once per configured command (a `version`
// probe costs a compose start: half a second or more for compose v1) and forgotten on a reload.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "deploy/compose_command.hpp"

namespace deployhook {

class ComposeChoices {
 public:
  // Chooses by probing (ChooseComposeCommand over some executor).
  using Probe = std::function<ComposeChoice(const std::vector<std::string>& configured)>;

  explicit ComposeChoices(Probe probe) : probe_(std::move(probe)) {}

  // Returns the choice for `configured` (a target's `compose`, empty: detect), probing only the
  // first time. A probe that found no compose or no version is not kept: the next run asks
  // again (compose installed meanwhile). Any thread; throws only when the probe does.
  ComposeChoice For(const std::vector<std::string>& configured);

  // Forgets every choice (a reload: PATH or the compose installed may have changed).
  void Forget();

 private:
  Probe probe_;
  std::mutex mutex_;
  std::map<std::vector<std::string>, ComposeChoice> chosen_;  // guarded by mutex_
};

}  // namespace deployhook
