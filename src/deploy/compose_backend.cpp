#include "deploy/compose_backend.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "deploy/container_state.hpp"
#include "deploy/engine_state.hpp"
#include "deploy/image_state.hpp"
#include "util/sha256.hpp"
#include "util/process_end.hpp"

namespace deployhook {
namespace {

class ComposeBackend final : public Backend {
 public:
  ComposeBackend(StepRunner& steps, const std::optional<std::string>& project)
      : steps_(steps), setup_(steps.setup()),
        plan_(PlanSteps(setup_.target, setup_.compose, setup_.compose_generation, project)) {}

  std::string Unready() const override {
    if (!setup_.compose.empty()) return {};
    return "[no compose command: neither 'docker compose' nor 'docker-compose' answers]\n";
  }
  std::optional<std::vector<ContainerImage>> Snapshot() override {
    // `config` (NoteImages reads it) runs beside `ps`: one compose start less before the pull.
    std::vector<ProcessResult> read =
        steps_.StepsAtOnce({{"snapshot", plan_.ps}, {"config", plan_.config}}, INSPECT_TIMEOUT);
    config_ = std::move(read[1]);
    std::optional<std::vector<ContainerState>> containers = InspectListed("snapshot", read[0]);
    if (!containers) return std::nullopt;
    project_ = SharedProject(*containers);
    return RunningImages(*containers);
  }
  std::optional<std::vector<ImageRecord>> NoteImages(const std::vector<ContainerImage>& containers) override;
  ProcessResult Pull(bool record) override {
    return steps_.Step(plan_.pull_name, plan_.pull, std::chrono::seconds(setup_.target.pull_timeout), record);
  }
  std::optional<RunResult> PutBack(const std::vector<ContainerImage>& restore,
                                   std::vector<ImageRecord>& images) override;
  ProcessResult Apply(const std::vector<ImageRecord>& images) override;
  GateResult Gate() override;
  RunEnd Rollback(const std::vector<ContainerImage>& previous,
                  const std::vector<ImageRecord>& images) override;
  ProcessResult Remove(const std::string& name) override;
  std::string ConfigHash() const override { return config_hash_; }

 private:
  using Tags = std::vector<std::pair<std::string, std::string>>;  // image id, reference
  enum class TagResult { Done, ImageGone, Failed };

  // Returns what the engine says of the service containers `ps -q` lists (none when it lists
  // none); nothing when a command failed or printed what is not their state.
  std::optional<std::vector<ContainerState>> InspectContainers(const std::string& name);
  // The same of the containers whose ids `listed` (a `ps -q`) printed.
  std::optional<std::vector<ContainerState>> InspectListed(const std::string& name, const ProcessResult& listed);
  // A gate's look at the service containers: at `known` (one `docker inspect`) while they are
  // all still there; else at the project's containers as the engine lists them (the project
  // and services the snapshot found; no compose start), else as `compose ps` lists them.
  std::optional<std::vector<ContainerState>> Look(const std::string& name,
                                                  const std::vector<ContainerState>* known);
  // Compose v1 cannot be told not to pull at `up`: each reference is tagged to the image the
  // run checked (or put back) first, so what `up` finds locally is that image.
  bool PinReferences(const std::string& name, const std::vector<ImageRecord>& images);
  // Checks that the engine still has every image (else logs which is gone and tags nothing:
  // ImageGone), then tags each under its reference as step `name`-tag.
  TagResult TagBack(const std::string& name, const Tags& tags);
  // Returns Healthy, Failed, or Waiting when the worker is stopping; records step `name`.
  GateVerdict HealthGate(const std::string& name);

  StepRunner& steps_;
  const DeploymentSetup& setup_;
  StepPlan plan_;
  std::optional<ProcessResult> config_;  // `config`, run with the snapshot
  std::string project_;                  // the project the snapshot's containers carry
  std::set<std::string> services_;       // the services NoteImages found
  std::string config_hash_;
};

std::optional<std::vector<ContainerState>> ComposeBackend::InspectContainers(const std::string& name) {
  return InspectListed(name, steps_.Step(name, plan_.ps, INSPECT_TIMEOUT, false));
}

std::optional<std::vector<ContainerState>> ComposeBackend::InspectListed(const std::string& name,
                                                                         const ProcessResult& ps) {
  if (ps.exit_code != 0) return std::nullopt;
  std::vector<std::string> ids = ParseIdLines(ps.output);
  if (ids.empty()) return std::vector<ContainerState>{};
  ProcessResult result = steps_.Read(name, InspectContainersArgv(ids));
  if (result.exit_code != 0) return std::nullopt;
  return ParseContainers(result.output);
}

std::optional<std::vector<ContainerState>> ComposeBackend::Look(const std::string& name,
                                                                const std::vector<ContainerState>* known) {
  if (known && !known->empty()) {
    std::vector<std::string> ids;
    for (const ContainerState& container : *known) ids.push_back(container.id);
    ProcessResult result = steps_.Read(name, InspectContainersArgv(ids));
    // Exit 1: one is gone; the lists below tell the gate the set changed.
    if (result.exit_code == 0) return ParseContainers(result.output);
  }
  if (project_.empty() || services_.empty()) return InspectContainers(name);
  bool stopped_too = setup_.compose_generation == ComposeGeneration::V1;
  std::optional<std::vector<ContainerState>> listed =
      InspectListed(name, steps_.Read(name, ProjectContainersArgv(project_, stopped_too)));
  if (listed) std::erase_if(*listed, [&](const ContainerState& c) { return !services_.contains(c.service); });
  return listed;
}

bool ComposeBackend::PinReferences(const std::string& name, const std::vector<ImageRecord>& images) {
  if (setup_.compose_generation == ComposeGeneration::V2) return true;
  for (const ImageRecord& image : images) {
    if (image.after.empty()) continue;
    if (steps_.Step(name, TagArgv(image.after, image.reference), INSPECT_TIMEOUT, false).exit_code != 0) {
      steps_.Note("[" + name + ": could not tag " + image.after + " as " + image.reference + "]\n");
      return false;
    }
  }
  return true;
}

ProcessResult ComposeBackend::Apply(const std::vector<ImageRecord>& images) {
  if (!PinReferences("pin", images)) return Exited(1);
  auto timeout = std::chrono::seconds(setup_.target.up_timeout);
  if (!plan_.release.empty()) {
    // From the images just pinned (v1) or pulled (v2: `run` does not pull an image it has).
    ProcessResult release = steps_.Step("release", plan_.release, timeout, true);
    if (!Succeeded(release)) return release;
  }
  return steps_.Step("up", plan_.up, timeout, true);
}

ProcessResult ComposeBackend::Remove(const std::string& name) {
  return steps_.Step(name, plan_.remove, std::chrono::seconds(setup_.target.up_timeout), true);
}

// The services' images as they are before the pull: each reference the compose file names (or,
// failing that, the one its container was created from) and the image it runs.
std::optional<std::vector<ImageRecord>> ComposeBackend::NoteImages(const std::vector<ContainerImage>& containers) {
  // stdout alone: compose warns on stderr, with a timestamp that would change the hash.
  ProcessResult config = config_ ? *config_ : steps_.Read("config", plan_.config);
  std::map<std::string, std::string> references;
  if (config.exit_code == 0) {
    references = ParseComposeImages(config.output);
    config_hash_ = "sha256:" + Sha256Hex(config.output);
  }
  const std::vector<std::string>& wanted = setup_.target.services;
  std::erase_if(references, [&](const auto& entry) {
    return !wanted.empty() && std::find(wanted.begin(), wanted.end(), entry.first) == wanted.end();
  });
  for (const ContainerImage& container : containers) {
    references.emplace(container.service, container.reference);  // keeps the compose file's
  }
  std::vector<ImageRecord> images;
  for (const auto& [service, reference] : references) {
    ImageRecord image = Noted(service, reference);
    // Compared through the record: clang 14 cannot capture a structured binding.
    auto running = std::find_if(containers.begin(), containers.end(),
                                [&](const ContainerImage& c) { return c.service == image.service; });
    ImageInfo local;
    if (running != containers.end()) {
      image.before = running->image_id;
    } else if (ImageLook look = steps_.InspectImage(image.reference, local); look == ImageLook::Found) {
      image.before = local.id;
    } else if (look == ImageLook::Unreadable) {
      return std::nullopt;
    }
    services_.insert(image.service);
    images.push_back(std::move(image));
  }
  return images;
}

ComposeBackend::TagResult ComposeBackend::TagBack(const std::string& name, const Tags& tags) {
  for (const auto& [image_id, reference] : tags) {
    ImageInfo info;
    if (steps_.InspectImage(image_id, info) != ImageLook::Found) {
      steps_.Note("[" + name + ": the image " + image_id + " for " + reference +
                  " is gone (pruned?); nothing was put back]\n");
      return TagResult::ImageGone;
    }
  }
  bool tagged = true;
  for (const auto& [image_id, reference] : tags) {
    tagged = steps_.Step(name + "-tag", TagArgv(image_id, reference), INSPECT_TIMEOUT, true).exit_code == 0 && tagged;
  }
  return tagged ? TagResult::Done : TagResult::Failed;
}

std::optional<RunResult> ComposeBackend::PutBack(const std::vector<ContainerImage>& restore,
                                    std::vector<ImageRecord>& images) {
  Tags tags;
  for (const ContainerImage& image : restore) {
    auto noted = std::find_if(images.begin(), images.end(),
                              [&](const ImageRecord& record) { return record.service == image.service; });
    if (noted == images.end()) {
      images.push_back(Noted(image.service, image.reference));
      noted = images.end() - 1;
    }
    tags.emplace_back(image.image_id, noted->reference);
  }
  if (TagBack("restore", tags) != TagResult::Done) return RunResult::Failed;
  return std::nullopt;
}

GateVerdict ComposeBackend::HealthGate(const std::string& name) {
  StepExecutor& executor = steps_.executor();
  auto started = executor.Now();
  auto deadline = started + std::chrono::seconds(setup_.target.health_timeout);
  std::optional<std::vector<ContainerState>> first;
  std::string reason;
  GateVerdict verdict = GateVerdict::Waiting;
  while (true) {
    reason = "did not become healthy in time";
    auto observed = std::chrono::duration_cast<std::chrono::milliseconds>(executor.Now() - started);
    // A failed `ps` or `inspect` (the engine busy, a container going away mid-look) is looked
    // at again, not taken for a verdict.
    if (std::optional<std::vector<ContainerState>> now = Look(name, first ? &*first : nullptr)) {
      if (!first) first = *now;
      verdict = JudgeHealth(*first, *now, observed, reason);
    } else {
      reason = "could not inspect the service containers";
    }
    if (verdict != GateVerdict::Waiting || executor.Now() >= deadline) break;
    if (!executor.Pause(GatePauseSince(started, steps_))) return GateVerdict::Waiting;
  }
  double seconds = std::chrono::duration<double>(executor.Now() - started).count();
  bool healthy = verdict == GateVerdict::Healthy;
  steps_.Note("[" + name + ": " + std::string(healthy ? "healthy" : reason) + "]\n");
  steps_.steps().push_back({name, InspectContainersArgv({}), healthy ? 0 : 1, seconds});
  return healthy ? GateVerdict::Healthy : GateVerdict::Failed;
}

GateResult ComposeBackend::Gate() {
  if (setup_.target.health_timeout == 0) return GateResult::Passed;
  if (setup_.stopping) return GateResult::Stopped;
  switch (HealthGate("health")) {
    case GateVerdict::Healthy: return GateResult::Passed;
    case GateVerdict::Waiting: return GateResult::Stopped;
    case GateVerdict::Failed: break;
  }
  return GateResult::Failed;
}

RunEnd ComposeBackend::Rollback(const std::vector<ContainerImage>& previous,
                                const std::vector<ImageRecord>& images) {
  // Each previous image goes back under the reference the compose file names now, which is not
  // the one its container was created from when the file changed since. A target with a source
  // goes back to the previous checkout, whose compose file named what the containers were
  // created from.
  if (setup_.previous_dir) steps_.UseDirectory(*setup_.previous_dir);
  Tags tags;
  for (const ContainerImage& image : previous) {
    std::string reference = image.reference;
    for (const ImageRecord& noted : images) {
      if (noted.service == image.service && !setup_.previous_dir) reference = noted.reference;
    }
    if (std::none_of(tags.begin(), tags.end(), [&](const auto& tag) { return tag.second == reference; })) {
      tags.emplace_back(image.image_id, reference);
    }
  }
  TagResult tagged = TagBack("rollback", tags);
  if (tagged == TagResult::ImageGone) return RunResult::RollbackFailed;
  ProcessResult up = steps_.Step("rollback-up", plan_.up, std::chrono::seconds(setup_.target.up_timeout), true);
  if (up.interrupted || (up.timed_out && setup_.stopping)) return RunInterrupted{};
  if (tagged != TagResult::Done || !Succeeded(up)) return RunResult::RollbackFailed;
  GateVerdict verdict = HealthGate("rollback-health");
  if (verdict == GateVerdict::Waiting) return RunInterrupted{};
  return verdict == GateVerdict::Healthy ? RunResult::RolledBack : RunResult::RollbackFailed;
}

}  // namespace

std::unique_ptr<Backend> MakeComposeBackend(StepRunner& steps, const std::optional<std::string>& project) {
  return std::make_unique<ComposeBackend>(steps, project);
}

}  // namespace deployhook
