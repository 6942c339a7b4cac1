#include "deploy/swarm_state.hpp"

#include <algorithm>

#include "deploy/field_lines.hpp"

namespace deployhook {
namespace {

// Returns the update state of `service` that this run caused: empty when there is none, or it
// is still the one an earlier update left.
std::string FreshUpdateState(const std::vector<SwarmService>& before, const SwarmService& service) {
  auto earlier = std::find_if(before.begin(), before.end(),
                              [&](const SwarmService& s) { return s.name == service.name; });
  if (earlier != before.end() && earlier->update_state == service.update_state &&
      earlier->update_started == service.update_started) {
    return {};
  }
  return service.update_state;
}

// Returns true when the service runs its replicas (one task for a global service), each on the
// spec's image.
bool RunsItsTasks(const SwarmService& service, const std::vector<SwarmTask>& tasks) {
  unsigned running = 0;
  for (const SwarmTask& task : tasks) {
    if (task.service != service.name) continue;
    if (task.state != "Running" || task.image != service.image) return false;
    ++running;
  }
  return running >= service.replicas.value_or(1);
}

}  // namespace

std::vector<SwarmTask> ParseTaskLines(std::string_view output) {
  std::vector<SwarmTask> tasks;
  for (auto& row : SplitFieldLines(output, 3)) {
    std::string service = row[0].substr(0, row[0].rfind('.'));
    std::string state = row[2].substr(0, row[2].find(' '));
    tasks.push_back({std::move(service), row[1], std::move(state)});
  }
  return tasks;
}

Convergence JudgeConvergence(const std::vector<SwarmService>& before,
                             const std::vector<SwarmService>& now,
                             const std::vector<SwarmTask>& tasks, std::string& reason) {
  Convergence verdict = Convergence::Converged;
  for (const SwarmService& service : now) {
    std::string state = FreshUpdateState(before, service);
    if (state == "rollback_completed") {
      reason = service.name + ": the update was rolled back";
      return Convergence::RolledBack;
    }
    if (state == "paused" || state == "rollback_paused") {
      reason = service.name + ": update " + state;
      return Convergence::Paused;
    }
    if (verdict != Convergence::Converged) continue;
    if (state == "updating" || state == "rollback_started") {
      reason = service.name + ": update " + state;
      verdict = Convergence::Updating;
    } else if (!RunsItsTasks(service, tasks)) {
      reason = service.name + ": tasks not yet running its image";
      verdict = Convergence::Updating;
    }
  }
  if (now.empty()) reason = "no services";
  return now.empty() ? Convergence::Updating : verdict;
}

}  // namespace deployhook
