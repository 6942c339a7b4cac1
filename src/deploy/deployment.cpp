#include "deployment.hpp"

#include <algorithm>
#include <cstdio>
#include <set>

#include "container_state.hpp"
#include "image_state.hpp"

namespace deployhook {
namespace {

constexpr std::chrono::seconds INSPECT_TIMEOUT{30};
constexpr std::chrono::milliseconds HEALTH_POLL{1000};

std::string Quoted(const Argv& argv) {
  std::string out = "$";
  for (const std::string& word : argv) out += " " + word;
  return out;
}

std::string Short(std::string_view commit) { return std::string(commit.substr(0, 12)); }

class Run {
 public:
  Run(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log)
      : setup_(setup), executor_(executor), log_(log), plan_(PlanSteps(setup.target, setup.compose)) {
    outcome_.commit = setup.commit;
  }

  DeploymentOutcome Execute();

 private:
  using TimePoint = std::chrono::steady_clock::time_point;

  ProcessResult Step(const std::string& name, const Argv& argv, std::chrono::seconds timeout,
                     bool record);
  // Returns what `inspect` prints for the service containers `ps -q` lists ("" when it lists
  // none); nothing when a command failed.
  std::optional<std::string> InspectContainers(const std::string& name,
                                               Argv (*inspect)(const std::vector<std::string>&));
  std::optional<ImageInfo> InspectImage(const ImageRecord& image);
  // Returns the services' images as they are before the pull: each reference the compose file
  // names (or, failing that, the one its container was created from) and the image it runs.
  std::vector<ImageRecord> NoteImages(const std::vector<ContainerImage>& containers);
  void InspectPulledImages();
  // Pulls until every labelled image is the commit's build. Returns the result that ends the
  // run ("failed", "timed_out", "stale", or "" to go on); sets interrupted on a stop.
  std::string PullBuiltImages();
  using Tags = std::vector<std::pair<std::string, std::string>>;  // image id, reference
  enum class TagResult { Done, ImageGone, Failed };
  // Checks that the engine still has every image (else logs which is gone and tags nothing:
  // ImageGone), then tags each under its reference as step `name`-tag.
  TagResult TagBack(const std::string& name, const Tags& tags);
  // Tags each image to restore under its service's reference. Returns "failed" or "" to go on.
  std::string PutBack(const std::vector<ContainerImage>& restore);
  void SaveSnapshot(const std::vector<ContainerImage>& previous);
  // Returns Healthy, Failed, or Waiting when the worker is stopping; records step `name`.
  GateVerdict HealthGate(const std::string& name);
  // Puts the previous images back and gates on them: rolled_back, rollback_failed, or
  // "interrupted".
  std::string Rollback(const std::vector<ContainerImage>& previous);
  DeploymentOutcome Finish(std::string result);
  DeploymentOutcome Interrupted();

  const DeploymentSetup& setup_;
  StepExecutor& executor_;
  RunLog& log_;
  StepPlan plan_;
  DeploymentOutcome outcome_;
  bool snapshot_saved_ = false;
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

std::optional<std::string> Run::InspectContainers(const std::string& name,
                                                  Argv (*inspect)(const std::vector<std::string>&)) {
  ProcessResult ps = Step(name, plan_.ps, INSPECT_TIMEOUT, false);
  if (ps.exit_code != 0) return std::nullopt;
  std::vector<std::string> ids = ParseIdLines(ps.output);
  if (ids.empty()) return std::string{};
  ProcessResult result = Step(name, inspect(ids), INSPECT_TIMEOUT, false);
  if (result.exit_code != 0) return std::nullopt;
  return result.output;
}

std::optional<ImageInfo> Run::InspectImage(const ImageRecord& image) {
  ProcessResult result = Step("image", ImageInspectArgv(image.reference), INSPECT_TIMEOUT, false);
  if (result.exit_code != 0) return std::nullopt;
  std::optional<ImageInfo> info = ParseImageInspect(result.output);
  if (info && !info->rejected_revision.empty()) {
    log_.Append("[image: " + image.service + " has a revision label that is not a commit SHA; "
                "treated as absent]\n");
  }
  return info;
}

std::vector<ImageRecord> Run::NoteImages(const std::vector<ContainerImage>& containers) {
  ProcessResult config = Step("config", plan_.config, INSPECT_TIMEOUT, false);
  std::map<std::string, std::string> references;
  if (config.exit_code == 0) references = ParseComposeImages(config.output);
  const std::vector<std::string>& wanted = setup_.target.services;
  std::erase_if(references, [&](const auto& entry) {
    return !wanted.empty() && std::find(wanted.begin(), wanted.end(), entry.first) == wanted.end();
  });
  for (const ContainerImage& container : containers) {
    references.emplace(container.service, container.reference);  // keeps the compose file's
  }
  std::vector<ImageRecord> images;
  for (const auto& [service, reference] : references) {
    ImageRecord image{service, reference, {}, {}, std::nullopt};
    auto running = std::find_if(containers.begin(), containers.end(),
                                [&](const ContainerImage& c) { return c.service == service; });
    if (running != containers.end()) {
      image.before = running->image_id;
    } else if (std::optional<ImageInfo> local = InspectImage(image)) {
      image.before = local->id;
    }
    images.push_back(std::move(image));
  }
  return images;
}

void Run::InspectPulledImages() {
  for (ImageRecord& image : outcome_.images) {
    std::optional<ImageInfo> info = InspectImage(image);
    image.after = info ? info->id : std::string{};
    image.revision = info ? info->revision : std::nullopt;
  }
}

std::string Run::PullBuiltImages() {
  const Target& target = setup_.target;
  auto wait = std::chrono::seconds(target.image_timeout);
  TimePoint started = executor_.Now();
  TimePoint deadline = started + wait;
  std::optional<std::size_t> pull_step;
  bool waited = false;
  auto record_wait = [&](int exit_code) {
    if (!waited) return;
    if (setup_.on_waiting) setup_.on_waiting(false);
    double seconds = std::chrono::duration<double>(executor_.Now() - started).count();
    outcome_.steps.push_back({"wait-image", {}, exit_code, seconds});
  };
  while (true) {
    ProcessResult pull = Step("pull", plan_.pull, std::chrono::seconds(target.pull_timeout), !pull_step);
    if (!pull_step) {
      pull_step = outcome_.steps.size() - 1;
    } else {  // one "pull" step in the history however often the wait pulled
      outcome_.steps[*pull_step].exit_code = pull.exit_code;
      outcome_.steps[*pull_step].seconds += pull.seconds;
    }
    if (pull.timed_out && setup_.stopping) return "interrupted";
    if (pull.timed_out) return "timed_out";
    if (pull.exit_code != 0) return "failed";
    if (setup_.stopping) return "interrupted";

    InspectPulledImages();
    std::vector<std::string> awaited = AwaitedServices(outcome_.images, outcome_.commit);
    if (awaited.empty()) {
      record_wait(0);
      return {};
    }
    std::string services;
    for (const std::string& service : awaited) services += (services.empty() ? "" : ",") + service;
    if (executor_.Now() >= deadline) {
      log_.Append("[image: no image of " + Short(outcome_.commit) + " for " + services +
                  " within image_timeout; nothing recreated]\n");
      waited = true;
      record_wait(1);
      return "stale";
    }
    if (!waited) {
      if (setup_.on_waiting) setup_.on_waiting(true);
      setup_.logger.Log(LogLevel::Notice, "run",
                        {{"id", setup_.run_id}, {"target", target.name}, {"commit", outcome_.commit},
                         {"reason", "waiting for the commit's image"}, {"services", services}});
    }
    waited = true;
    log_.Append("[image: " + services + " not yet built from " + Short(outcome_.commit) +
                "; pulling again in " + std::to_string(target.image_poll) + " s]\n");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - executor_.Now());
    if (!executor_.Pause(std::min<std::chrono::milliseconds>(std::chrono::seconds(target.image_poll), left))) {
      return "interrupted";
    }
    if (!setup_.newer_commit) continue;
    std::optional<std::string> newer = setup_.newer_commit();
    if (newer && *newer != outcome_.commit) {
      log_.Append("[image: a newer push replaces the awaited commit: " + Short(*newer) + "]\n");
      outcome_.commit = *newer;
      deadline = executor_.Now() + wait;  // the newer commit gets its own image_timeout
    }
  }
}

Run::TagResult Run::TagBack(const std::string& name, const Tags& tags) {
  for (const auto& [image_id, reference] : tags) {
    if (Step(name + "-check", ImageIdInspectArgv(image_id), INSPECT_TIMEOUT, false).exit_code != 0) {
      log_.Append("[" + name + ": the image " + image_id + " for " + reference +
                  " is gone (pruned?); nothing was put back]\n");
      return TagResult::ImageGone;
    }
  }
  bool tagged = true;
  for (const auto& [image_id, reference] : tags) {
    tagged = Step(name + "-tag", TagArgv(image_id, reference), INSPECT_TIMEOUT, true).exit_code == 0 && tagged;
  }
  return tagged ? TagResult::Done : TagResult::Failed;
}

std::string Run::PutBack(const std::vector<ContainerImage>& restore) {
  Tags tags;
  for (const ContainerImage& image : restore) {
    auto noted = std::find_if(outcome_.images.begin(), outcome_.images.end(),
                              [&](const ImageRecord& record) { return record.service == image.service; });
    if (noted == outcome_.images.end()) {
      outcome_.images.push_back({image.service, image.reference, {}, {}, std::nullopt});
      noted = outcome_.images.end() - 1;
    }
    tags.emplace_back(image.image_id, noted->reference);
  }
  if (TagBack("restore", tags) != TagResult::Done) return "failed";
  InspectPulledImages();
  return {};
}

void Run::SaveSnapshot(const std::vector<ContainerImage>& previous) {
  if (snapshot_saved_ || setup_.snapshot || !setup_.save_snapshot) return;
  setup_.save_snapshot(previous);
  snapshot_saved_ = true;
}

GateVerdict Run::HealthGate(const std::string& name) {
  TimePoint started = executor_.Now();
  TimePoint deadline = started + std::chrono::seconds(setup_.target.health_timeout);
  std::optional<std::vector<ContainerState>> first;
  std::string reason;
  GateVerdict verdict = GateVerdict::Waiting;
  while (true) {
    reason = "did not become healthy in time";
    auto observed = std::chrono::duration_cast<std::chrono::milliseconds>(executor_.Now() - started);
    // A failed `ps` or `inspect` (the engine busy, a container going away mid-look) is looked
    // at again, not taken for a verdict.
    if (std::optional<std::string> seen = InspectContainers(name, InspectStateArgv)) {
      std::vector<ContainerState> now = ParseStateLines(*seen);
      if (!first) first = now;
      verdict = JudgeHealth(*first, now, observed, reason);
    } else {
      reason = "could not inspect the service containers";
    }
    if (verdict != GateVerdict::Waiting || executor_.Now() >= deadline) break;
    if (!executor_.Pause(HEALTH_POLL)) return GateVerdict::Waiting;
  }
  double seconds = std::chrono::duration<double>(executor_.Now() - started).count();
  bool healthy = verdict == GateVerdict::Healthy;
  log_.Append("[" + name + ": " + std::string(healthy ? "healthy" : reason) + "]\n");
  outcome_.steps.push_back({name, InspectStateArgv({}), healthy ? 0 : 1, seconds});
  return healthy ? GateVerdict::Healthy : GateVerdict::Failed;
}

std::string Run::Rollback(const std::vector<ContainerImage>& previous) {
  // Each previous image goes back under the reference the compose file names now, which is not
  // the one its container was created from when the file changed since.
  Tags tags;
  for (const ContainerImage& image : previous) {
    std::string reference = image.reference;
    for (const ImageRecord& noted : outcome_.images) {
      if (noted.service == image.service) reference = noted.reference;
    }
    if (std::none_of(tags.begin(), tags.end(), [&](const auto& tag) { return tag.second == reference; })) {
      tags.emplace_back(image.image_id, reference);
    }
  }
  TagResult tagged = TagBack("rollback", tags);
  if (tagged == TagResult::ImageGone) return "rollback_failed";
  ProcessResult up = Step("rollback-up", plan_.up, std::chrono::seconds(setup_.target.up_timeout), true);
  if (up.timed_out && setup_.stopping) return "interrupted";
  if (tagged != TagResult::Done || up.exit_code != 0 || up.timed_out) return "rollback_failed";
  GateVerdict verdict = HealthGate("rollback-health");
  if (verdict == GateVerdict::Waiting) return "interrupted";
  return verdict == GateVerdict::Healthy ? "rolled_back" : "rollback_failed";
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
  std::vector<ContainerImage> previous;
  if (setup_.snapshot) {
    previous = *setup_.snapshot;
    log_.Append("[snapshot: the images noted by an interrupted attempt of this run]\n");
  } else {
    previous = ParseImageLines(InspectContainers("snapshot", InspectImagesArgv).value_or(""));
  }
  outcome_.images = NoteImages(previous);

  std::string ended;
  if (setup_.restore) {
    SaveSnapshot(previous);  // the tags below are the first change to the engine
    ended = PutBack(*setup_.restore);
  } else {
    ended = PullBuiltImages();
  }
  if (ended == "interrupted") return Interrupted();
  if (!ended.empty()) return Finish(ended);
  // Every image stayed what ran before: a redelivery, or CI has not pushed a labelled image.
  bool unchanged = ImagesUnchanged(outcome_.images);

  SaveSnapshot(previous);
  ProcessResult up = Step("up", plan_.up, std::chrono::seconds(target.up_timeout), true);
  if (up.timed_out && setup_.stopping) return Interrupted();
  if (up.timed_out) return Finish("timed_out");
  if (up.exit_code != 0) return Finish("failed");
  const char* done = unchanged ? "unchanged" : "succeeded";
  if (target.health_timeout == 0) return Finish(done);
  if (setup_.stopping) return Interrupted();

  GateVerdict verdict = HealthGate("health");
  if (verdict == GateVerdict::Waiting) return Interrupted();
  if (verdict == GateVerdict::Healthy) return Finish(done);
  if (unchanged) {
    log_.Append("[rollback: the images did not change; nothing to go back to]\n");
    return Finish("failed");
  }
  if (!target.rollback || previous.empty()) {
    if (target.rollback) log_.Append("[rollback: no previous containers to go back to]\n");
    return Finish("failed");
  }
  std::string rolled = Rollback(previous);
  if (rolled == "interrupted") return Interrupted();
  return Finish(rolled);
}

}  // namespace

DeploymentOutcome RunDeployment(const DeploymentSetup& setup, StepExecutor& executor, RunLog& log) {
  return Run(setup, executor, log).Execute();
}

}  // namespace deployhook
