#include "deploy/container_state.hpp"

#include <algorithm>

#include "deploy/field_lines.hpp"

namespace deployhook {

std::vector<ContainerImage> RunningImages(const std::vector<ContainerState>& containers) {
  std::vector<ContainerImage> images;
  for (const ContainerState& container : containers) {
    // Compose v1's `ps -q` lists stopped containers too, v2's does not: both mean what runs.
    if (container.status == "exited" || container.status == "dead" || container.status == "created") continue;
    images.push_back({container.image, container.reference, container.service});
  }
  return images;
}

std::string SharedProject(const std::vector<ContainerState>& containers) {
  if (containers.empty()) return {};
  const std::string& project = containers.front().project;
  bool shared = std::all_of(containers.begin(), containers.end(),
                            [&](const ContainerState& c) { return c.project == project; });
  return shared ? project : std::string();
}

std::vector<std::string> ParseIdLines(std::string_view output) {
  // stdout and stderr arrive together: a warning line must not pass for a container id.
  auto is_id = [](const std::string& text) {
    return text.size() >= 12 && text.size() <= 64 &&
           std::all_of(text.begin(), text.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
  };
  std::vector<std::string> ids;
  for (auto& row : SplitFieldLines(output, 1)) {
    if (is_id(row[0])) ids.push_back(row[0]);
  }
  return ids;
}

GateVerdict JudgeHealth(const std::vector<ContainerState>& first,
                        const std::vector<ContainerState>& now,
                        std::chrono::milliseconds observed, std::string& reason) {
  if (now.empty()) {
    reason = "no service container";
    return GateVerdict::Failed;
  }
  auto by_id = [](const std::vector<ContainerState>& states, const std::string& id) {
    return std::find_if(states.begin(), states.end(), [&](const ContainerState& s) { return s.id == id; });
  };
  bool same_set = now.size() == first.size() &&
                  std::all_of(now.begin(), now.end(), [&](const ContainerState& state) {
                    return by_id(first, state.id) != first.end();
                  });
  if (!same_set) {
    reason = "the set of containers changed";
    return GateVerdict::Failed;
  }
  bool all_up = true;
  for (const ContainerState& state : now) {
    const ContainerState& before = *by_id(first, state.id);
    bool one_shot_done = state.status == "exited" && state.exit_code == "0" &&
                         (state.restart_policy.empty() || state.restart_policy == "no");
    if (one_shot_done) continue;
    std::string who = "the container of " + (state.service.empty() ? std::string("a service") : state.service);
    if (state.status == "exited" || state.status == "dead") {
      reason = who + " " + state.status + (state.status == "exited" ? " with code " + state.exit_code : "");
      return GateVerdict::Failed;
    }
    if (state.health == "unhealthy") {
      reason = who + " is unhealthy";
      return GateVerdict::Failed;
    }
    if (state.started_at != before.started_at || state.restarts != before.restarts) {
      reason = who + " restarted";
      return GateVerdict::Failed;
    }
    bool up = state.health.empty() ? state.status == "running" && observed >= SETTLE_TIME
                                   : state.health == "healthy";
    all_up = all_up && up;
  }
  return all_up ? GateVerdict::Healthy : GateVerdict::Waiting;
}

}  // namespace deployhook
