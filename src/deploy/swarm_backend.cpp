#include "deploy/swarm_backend.hpp"

#include <algorithm>
#include <map>

#include "deploy/field_lines.hpp"
#include "deploy/engine_state.hpp"
#include "deploy/image_state.hpp"
#include "deploy/swarm_plan.hpp"
#include "deploy/swarm_state.hpp"
#include "util/process_end.hpp"

namespace deployhook {
namespace {

class SwarmBackend final : public Backend {
 public:
  explicit SwarmBackend(StepRunner& steps) : steps_(steps), setup_(steps.setup()), target_(setup_.target) {}

  std::string Unready() const override {
    if (target_.kind != TargetKind::Stack || !setup_.compose.empty()) return {};
    return "[no compose command: a stack's image references are read with 'docker compose config']\n";
  }
  std::optional<std::vector<ContainerImage>> Snapshot() override;
  std::optional<std::vector<ImageRecord>> NoteImages(const std::vector<ContainerImage>& running) override;
  ProcessResult Pull(bool record) override;
  std::optional<RunResult> PutBack(const std::vector<ContainerImage>& restore,
                                   std::vector<ImageRecord>& images) override;
  ProcessResult Apply(const std::vector<ImageRecord>& images) override;
  GateResult Gate() override;
  RunEnd Rollback(const std::vector<ContainerImage>&, const std::vector<ImageRecord>&) override {
    return RunResult::RollbackFailed;  // not asked: Gate leaves rolling back to Swarm (never Failed)
  }

 private:
  // Returns the services the target deploys: its `services`, or the stack's services now.
  std::vector<std::string> ServiceNames();
  // Returns what `docker service inspect` says of the services; nothing when it failed.
  std::optional<std::vector<SwarmService>> Inspect(const std::vector<std::string>& names);
  // Returns the reference an update names for `image`: its checked registry digest.
  std::string Checked(const ImageRecord& image);
  // After a stack deploy: pins every service whose spec names another image than the run
  // checked to the checked digest.
  ProcessResult PinChecked(const std::vector<ImageRecord>& images);
  // Returns the first failure of `argvs` run in turn as recorded steps `name`, else the last.
  ProcessResult RunAll(const std::string& name, const std::vector<Argv>& argvs);

  StepRunner& steps_;
  const DeploymentSetup& setup_;
  const Target& target_;
  std::vector<ImageRecord> images_;             // what the run pulls, per service
  std::vector<SwarmService> before_;            // the services just before Apply changed them
  std::map<std::string, std::string> restore_;  // a rollback job: service -> pinned reference
  std::chrono::steady_clock::time_point applied_at_{};
};

std::vector<std::string> SwarmBackend::ServiceNames() {
  if (target_.kind == TargetKind::Service) return target_.services;
  ProcessResult listed = steps_.Step("services", StackServicesArgv(target_.stack), INSPECT_TIMEOUT, false);
  std::vector<std::string> names;
  for (const auto& row : SplitFieldLines(listed.exit_code == 0 ? listed.output : "", 1)) names.push_back(row[0]);
  return names;
}

std::optional<std::vector<SwarmService>> SwarmBackend::Inspect(const std::vector<std::string>& names) {
  if (names.empty()) return std::vector<SwarmService>{};
  ProcessResult result = steps_.Read("inspect", ServiceInspectArgv(names));
  if (result.exit_code != 0) return std::nullopt;
  return ParseServices(result.output);
}

std::optional<std::vector<ContainerImage>> SwarmBackend::Snapshot() {
  std::optional<std::vector<SwarmService>> services = Inspect(ServiceNames());
  if (!services) return std::nullopt;
  std::vector<ContainerImage> images;
  for (const SwarmService& service : *services) {
    images.push_back({service.image.substr(std::min(service.image.find('@') + 1, service.image.size())),
                      service.image, service.name});
  }
  return images;
}

std::optional<std::vector<ImageRecord>> SwarmBackend::NoteImages(const std::vector<ContainerImage>& running) {
  std::map<std::string, std::string> references;  // service -> reference to pull
  if (target_.kind == TargetKind::Stack) {
    Argv config = PlanSteps(target_, setup_.compose).config;
    ProcessResult listed = steps_.Step("config", config, INSPECT_TIMEOUT, false);
    if (listed.exit_code == 0) {
      for (const auto& [service, reference] : ParseComposeImages(listed.output)) {
        references[target_.stack + "_" + service] = reference;
      }
    }
  } else {
    for (const ContainerImage& image : running) references[image.service] = Unpinned(image.reference);
  }
  images_.clear();
  for (const auto& [service, reference] : references) {
    ImageRecord image = Noted(service, reference);
    ImageInfo local;
    ImageLook look = steps_.InspectImage(image.reference, local);
    if (look == ImageLook::Unreadable) return std::nullopt;
    if (look == ImageLook::Found) image.before = local.id;
    images_.push_back(std::move(image));
  }
  return images_;
}

ProcessResult SwarmBackend::Pull(bool record) {
  ProcessResult total;
  Argv shown = {"docker", "pull"};
  for (const ImageRecord& image : images_) {
    if (std::find(shown.begin(), shown.end(), image.reference) != shown.end()) continue;
    shown.push_back(image.reference);
    ProcessResult pulled = steps_.Step("pull", PullArgv(image.reference),
                                       std::chrono::seconds(target_.pull_timeout), false);
    total.seconds += pulled.seconds;
    total.exit_code = pulled.exit_code;
    total.timed_out = pulled.timed_out;
    total.interrupted = pulled.interrupted;
    total.spawn_failed = pulled.spawn_failed;
    if (!Succeeded(pulled)) break;
  }
  if (images_.empty()) {
    steps_.Note("[pull: no service image found to pull]\n");
    total.exit_code = 1;
  }
  if (record) steps_.Record("pull", shown, total);
  return total;
}

std::optional<RunResult> SwarmBackend::PutBack(const std::vector<ContainerImage>& restore,
                                  std::vector<ImageRecord>& images) {
  // Swarm runs images by registry digest: find the digest of each image id to go back to, and
  // change nothing unless every one is found.
  for (const ContainerImage& image : restore) {
    ImageInfo info;
    std::string pinned = steps_.InspectImage(image.image_id, info) == ImageLook::Found
                             ? RegistryDigest(info.digests, image.reference) : "";
    if (pinned.empty()) {
      steps_.Note("[restore: no registry digest of " + image.image_id + " for " + image.reference +
                  "; nothing was put back]\n");
      restore_.clear();
      return RunResult::Failed;
    }
    restore_[image.service] = pinned;
  }
  // The local tags follow, so the run's images (and the next run's "before") show what runs.
  for (const ContainerImage& image : restore) {
    if (steps_.Step("restore-tag", TagArgv(image.image_id, image.reference), INSPECT_TIMEOUT, true).exit_code != 0) {
      return RunResult::Failed;
    }
    if (std::none_of(images.begin(), images.end(), [&](const ImageRecord& r) { return r.service == image.service; })) {
      images.push_back(Noted(image.service, image.reference));
    }
  }
  return std::nullopt;
}

ProcessResult SwarmBackend::RunAll(const std::string& name, const std::vector<Argv>& argvs) {
  ProcessResult result;
  for (const Argv& argv : argvs) {
    result = steps_.Step(name, argv, std::chrono::seconds(target_.up_timeout), true);
    if (!Succeeded(result)) break;
  }
  return result;
}

ProcessResult SwarmBackend::Apply(const std::vector<ImageRecord>& images) {
  before_ = Inspect(ServiceNames()).value_or(std::vector<SwarmService>{});
  applied_at_ = steps_.executor().Now();
  std::vector<Argv> updates;
  if (!restore_.empty()) {
    for (const auto& [service, pinned] : restore_) updates.push_back(ServiceUpdateArgv(service, pinned));
    return RunAll("update", updates);
  }
  if (target_.kind == TargetKind::Stack) {
    ProcessResult deployed = RunAll("deploy", {StackDeployArgv(target_)});
    if (!Succeeded(deployed)) return deployed;
    return PinChecked(images);
  }
  for (const ImageRecord& image : images) updates.push_back(ServiceUpdateArgv(image.service, Checked(image)));
  return RunAll("update", updates);
}

std::string SwarmBackend::Checked(const ImageRecord& image) {
  if (image.digest) return *image.digest;
  steps_.Note("[update: " + image.reference + " has no registry digest; the service names it by tag]\n");
  return image.reference;
}

ProcessResult SwarmBackend::PinChecked(const std::vector<ImageRecord>& images) {
  // `stack deploy` resolves each tag at the registry again: a service whose spec now names
  // another digest than the one the run checked is pinned to the checked one.
  std::optional<std::vector<SwarmService>> now = Inspect(ServiceNames());
  if (!now) {
    steps_.Note("[deploy: cannot read the services after the deploy]\n");
    return Exited(1);
  }
  std::vector<Argv> updates;
  for (const ImageRecord& image : images) {
    auto service = std::find_if(now->begin(), now->end(), [&](const SwarmService& s) { return s.name == image.service; });
    if (!image.digest || service == now->end()) continue;
    std::string_view running = service->image;
    std::string_view checked = *image.digest;
    if (running.substr(running.find('@') + 1) != checked.substr(checked.find('@') + 1)) {
      updates.push_back(ServiceUpdateArgv(image.service, *image.digest));
    }
  }
  if (updates.empty()) return Exited(0);
  return RunAll("pin", updates);
}

GateResult SwarmBackend::Gate() {
  StepExecutor& executor = steps_.executor();
  auto started = executor.Now();
  auto deadline = applied_at_ + std::chrono::seconds(target_.up_timeout);
  std::string reason = "could not inspect the services";
  Convergence verdict = Convergence::Updating;
  while (true) {
    std::vector<std::string> names = ServiceNames();
    std::optional<std::vector<SwarmService>> now = Inspect(names);
    ProcessResult tasks = steps_.Step("tasks", ServiceTasksArgv(names), INSPECT_TIMEOUT, false);
    // A failed look (the manager busy, a task going away) is looked at again, not a verdict.
    if (now && tasks.exit_code == 0) verdict = JudgeConvergence(before_, *now, ParseTaskLines(tasks.output), reason);
    if (verdict != Convergence::Updating || executor.Now() >= deadline) break;
    if (setup_.stopping || !executor.Pause(GatePauseSince(started, steps_))) return GateResult::Stopped;
  }
  double seconds = std::chrono::duration<double>(executor.Now() - started).count();
  bool converged = verdict == Convergence::Converged;
  steps_.Note("[converge: " + (converged ? std::string("every service runs its image") : reason) +
              (verdict == Convergence::Updating ? " (up_timeout passed)" : "") + "]\n");
  steps_.steps().push_back({"converge", ServiceInspectArgv({}), converged ? 0 : 1, seconds});
  switch (verdict) {
    case Convergence::Converged: return GateResult::Passed;
    case Convergence::RolledBack: return GateResult::RolledBack;
    case Convergence::Paused: return GateResult::Halted;
    case Convergence::Updating: break;
  }
  return GateResult::TimedOut;
}

}  // namespace

std::unique_ptr<Backend> MakeSwarmBackend(StepRunner& steps) {
  return std::make_unique<SwarmBackend>(steps);
}

}  // namespace deployhook
