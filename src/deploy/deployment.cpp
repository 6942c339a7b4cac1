#include "deployment.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "container_state.hpp"

namespace deployhook {
namespace {

constexpr std::chrono::seconds INSPECT_TIMEOUT{30};
constexpr std::chrono::milliseconds HEALTH_POLL{1000};

std::string Quoted(const Argv& argv) {
  std::string out = "$";
  for (const std::string& word : argv) out += " " + word;
  return out;
}

class Run {
 public:
  Run(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log)
      : setup_(setup), executor_(executor), log_(log), plan_(PlanSteps(setup.target, setup.compose)) {}

  DeploymentOutcome Execute();

 private:
  ProcessResult Step(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                     bool record);
  // Returns what `inspect` prints for the service containers `ps -q` lists; empty on failure.
  std::string InspectContainers(const std::string& name, Argv (*inspect)(const std::vector<std::string>&));
  bool HealthGate();
  bool Rollback(const std::vector<ContainerImage>& previous);
  DeploymentOutcome Finish(std::string result);
  DeploymentOutcome Interrupted();

  const DeploymentSetup& setup_;
  StepExecutor& executor_;
  RunLog& log_;
  StepPlan plan_;
  DeploymentOutcome outcome_;
};

ProcessResult Run::Step(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                        bool record) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = setup_.target.project_dir;
  spec.env = setup_.env;
  spec.timeout = timeout;
  log_.Append(Quoted(argv) + "\n");
  ProcessResult result = executor_.Run(spec);
  log_.Append(result.output);
  std::string tail = "[" + name + ": ";
  tail += result.timed_out ? "timed out, process group killed"
          : result.spawn_failed ? "could not start"
                                : "exit " + std::to_string(result.exit_code);
  log_.Append(tail + "]\n");
  if (record) {
    outcome_.steps.push_back({name, argv, result.exit_code, result.seconds});
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", result.seconds);
    setup_.logger.Log(result.exit_code == 0 ? LogLevel::Info : LogLevel::Warning, "step",
                      {{"id", setup_.run_id}, {"target", setup_.target.name}, {"step", name},
                       {"exit_code", std::to_string(result.exit_code)}, {"seconds", seconds},
                       {"reason", result.timed_out ? "timed out" : result.spawn_failed ? "could not start" : ""}});
  }
  return result;
}

std::string Run::InspectContainers(const std::string& name, Argv (*inspect)(const std::vector<std::string>&)) {
  ProcessResult ps = Step(name, plan_.ps, INSPECT_TIMEOUT, false);
  std::vector<std::string> ids = ParseIdLines(ps.output);
  if (ps.exit_code != 0 || ids.empty()) return {};
  ProcessResult result = Step(name, inspect(ids), INSPECT_TIMEOUT, false);
  return result.exit_code == 0 ? result.output : std::string{};
}

bool Run::HealthGate() {
  using Clock = std::chrono::steady_clock;
  auto started = Clock::now();
  auto deadline = started + std::chrono::seconds(setup_.target.health_timeout);
  std::vector<ContainerState> first = ParseStateLines(InspectContainers("health", InspectStateArgv));
  std::string reason = "did not become healthy in time";
  GateVerdict verdict = GateVerdict::Waiting;
  while (true) {
    auto observed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    verdict = JudgeHealth(first, ParseStateLines(InspectContainers("health", InspectStateArgv)), observed, reason);
    if (verdict != GateVerdict::Waiting || Clock::now() >= deadline) break;
    if (!executor_.Pause(HEALTH_POLL)) return false;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  bool healthy = verdict == GateVerdict::Healthy;
  log_.Append("[health: " + std::string(healthy ? "healthy" : reason) + "]\n");
  outcome_.steps.push_back({"health", InspectStateArgv({}), healthy ? 0 : 1, seconds});
  return healthy;
}

bool Run::Rollback(const std::vector<ContainerImage>& previous) {
  std::set<std::string> tagged;
  bool ok = true;
  for (const ContainerImage& image : previous) {
    if (!tagged.insert(image.reference).second) continue;
    ok = Step("rollback-tag", TagArgv(image.image_id, image.reference), INSPECT_TIMEOUT, true)
                 .exit_code == 0 && ok;
  }
  ProcessResult up = Step("rollback-up", plan_.up, std::chrono::seconds(setup_.target.up_timeout), true);
  return ok && up.exit_code == 0 && !up.timed_out;
}

DeploymentOutcome Run::Finish(std::string result) {
  outcome_.result = std::move(result);
  log_.Append("[result: " + outcome_.result + "]\n");
  return std::move(outcome_);
}

DeploymentOutcome Run::Interrupted() {
  outcome_.interrupted = true;
  log_.Append("[interrupted: the worker is stopping; the jobs stay queued]\n");
  return std::move(outcome_);
}

DeploymentOutcome Run::Execute() {
  const Target& target = setup_.target;
  if (setup_.compose.empty()) {
    log_.Append("[no compose command: neither 'docker compose' nor 'docker-compose' answers]\n");
    return Finish("failed");
  }
  std::vector<ContainerImage> previous = ParseImageLines(InspectContainers("snapshot", InspectImagesArgv));

  ProcessResult pull = Step("pull", plan_.pull, std::chrono::seconds(target.pull_timeout), true);
  // Killed at the end of the stop grace: not a result of the run; the jobs stay queued.
  if (pull.timed_out && setup_.stopping) return Interrupted();
  if (pull.timed_out) return Finish("timed_out");
  if (pull.exit_code != 0) return Finish("failed");
  if (setup_.stopping) return Interrupted();

  ProcessResult up = Step("up", plan_.up, std::chrono::seconds(target.up_timeout), true);
  if (up.timed_out && setup_.stopping) return Interrupted();
  if (up.timed_out) return Finish("timed_out");
  if (up.exit_code != 0) return Finish("failed");
  if (target.health_timeout == 0) return Finish("succeeded");
  if (setup_.stopping) return Interrupted();

  bool healthy = HealthGate();
  if (!healthy && setup_.stopping) return Interrupted();
  if (healthy) return Finish("succeeded");
  if (!target.rollback || previous.empty()) {
    if (target.rollback) log_.Append("[rollback: no previous containers to go back to]\n");
    return Finish("failed");
  }
  return Finish(Rollback(previous) ? "rolled_back" : "failed");
}

}  // namespace

DeploymentOutcome RunDeployment(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log) {
  return Run(setup, executor, log).Execute();
}

}  // namespace deployhook
