#include "deploy/blue_green_backend.hpp"

#include <array>
#include <fstream>
#include <sstream>

#include "deploy/compose_backend.hpp"
#include "deploy/slots.hpp"
#include "state/durable_file.hpp"
#include "util/process_end.hpp"

namespace deployhook {
namespace {

// How long ready_path may take to answer 2xx when there is no health_timeout to go by.
constexpr std::chrono::seconds READY_TIMEOUT_WITHOUT_HEALTH{60};

std::size_t Index(Slot slot) { return slot == Slot::Blue ? 0 : 1; }

// One slot: its compose project, run with DEPLOYHOOK_SLOT, DEPLOYHOOK_ADDR and DEPLOYHOOK_PORT
// in the environment of every compose command, so that one compose file serves both slots.
struct SlotSide {
  SlotSide(const DeploymentSetup& run, StepExecutor& executor, RunLog& log,
           std::vector<StepRecord>& steps, Slot slot)
      : setup(run), steps_runner(setup, executor, log, steps) {
    const SlotAddress& address = SlotAt(*run.target.blue_green, slot);
    setup.env["DEPLOYHOOK_SLOT"] = std::string(SlotName(slot));
    setup.env["DEPLOYHOOK_ADDR"] = address.host;
    setup.env["DEPLOYHOOK_PORT"] = std::to_string(address.port);
    backend = MakeComposeBackend(steps_runner, SlotProject(run.target.source ? run.target.project_name : DefaultProjectName(run.target.project_dir.string()), slot));
  }

  DeploymentSetup setup;
  StepRunner steps_runner;
  std::unique_ptr<Backend> backend;
};

class BlueGreenBackend final : public Backend {
 public:
  explicit BlueGreenBackend(StepRunner& steps)
      : steps_(steps), settings_(*steps.setup().target.blue_green),
        sides_{std::make_unique<SlotSide>(steps.setup(), steps.executor(), steps.log(), steps.steps(), Slot::Blue),
               std::make_unique<SlotSide>(steps.setup(), steps.executor(), steps.log(), steps.steps(), Slot::Green)} {}

  std::string Unready() const override { return Side(Slot::Blue).Unready(); }
  std::optional<std::vector<ContainerImage>> Snapshot() override;
  std::optional<std::vector<ImageRecord>> NoteImages(const std::vector<ContainerImage>& running) override {
    return Next().NoteImages(running);
  }
  ProcessResult Pull(bool record) override { return Next().Pull(record); }
  std::optional<RunResult> PutBack(const std::vector<ContainerImage>& restore,
                                   std::vector<ImageRecord>& images) override {
    return Next().PutBack(restore, images);
  }
  ProcessResult Apply(const std::vector<ImageRecord>& images) override;
  GateResult Gate() override;
  std::string LiveSlot() const override {
    return live_ ? std::string(SlotName(*live_)) : std::string();
  }
  RunEnd Rollback(const std::vector<ContainerImage>&, const std::vector<ImageRecord>&) override {
    // Never asked: a failed gate removes the new slot itself and the old one served throughout.
    return RunResult::RollbackFailed;
  }

 private:
  Backend& Side(Slot slot) const { return *sides_[Index(slot)]->backend; }
  Backend& Next() const { return Side(choice_.next); }
  // Returns the slot upstream_file names; nothing when it names none or cannot be read.
  std::optional<Slot> UpstreamNow() const;
  // Makes the front door serve what upstream_file says, after writing `slot` into it when
  // `write`; recorded as step `name`. Returns false, with a line in the run log, when it failed.
  bool TellFrontDoor(const std::string& name, Slot slot, bool write);
  // Brings the front door in line with the live slot (a switch cut short, a file naming another
  // slot) before the run changes anything.
  bool Reconcile();
  // GETs ready_path through the new slot's address until it answers 2xx; records step "ready".
  GateResult Ready();
  // Takes the new slot out after a failed gate: the front door never named it.
  GateResult Abandon(GateResult why);

  StepRunner& steps_;
  const BlueGreenSettings& settings_;
  std::array<std::unique_ptr<SlotSide>, 2> sides_;
  SlotChoice choice_;
  std::optional<Slot> live_;  // serving now: choice_.live until a switch succeeds
};

std::optional<Slot> BlueGreenBackend::UpstreamNow() const {
  std::ifstream file(settings_.upstream_file);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  return UpstreamSlot(text.str(), settings_);
}

std::optional<std::vector<ContainerImage>> BlueGreenBackend::Snapshot() {
  std::array<std::vector<ContainerImage>, 2> running;
  for (Slot slot : {Slot::Blue, Slot::Green}) {
    std::optional<std::vector<ContainerImage>> images = Side(slot).Snapshot();
    if (!images) return std::nullopt;
    running[Index(slot)] = std::move(*images);
  }
  choice_ = ChooseSlots({.blue_running = !running[0].empty(), .green_running = !running[1].empty(),
                         .upstream = UpstreamNow()});
  std::string live = choice_.live ? std::string(SlotName(*choice_.live)) : "none yet";
  live_ = choice_.live;
  steps_.Note("[slots: live " + live + ", the new version goes to " +
              std::string(SlotName(choice_.next)) + "]\n");
  if (!choice_.live) return std::vector<ContainerImage>{};
  return running[Index(*choice_.live)];
}

bool BlueGreenBackend::TellFrontDoor(const std::string& name, Slot slot, bool write) {
  if (write) {
    try {
      WriteFileDurably(settings_.upstream_file,
                       UpstreamText(settings_.upstream_format, SlotAt(settings_, slot), steps_.setup().target.name));
    } catch (const StorageError& e) {
      steps_.Note("[" + name + ": cannot write upstream_file: " + std::string(e.what()) + "]\n");
      return false;
    }
    steps_.Note("[" + name + ": upstream_file names " + std::string(SlotName(slot)) + " (" +
                SlotAt(settings_, slot).text + ")]\n");
  }
  ProcessResult reload = steps_.Step(name, settings_.reload, INSPECT_TIMEOUT, true);
  return Succeeded(reload);
}

bool BlueGreenBackend::Reconcile() {
  if (!choice_.live || choice_.reconcile == Reconcile::None) return true;
  return TellFrontDoor("reconcile", *choice_.live, choice_.reconcile == Reconcile::WriteAndReload);
}

ProcessResult BlueGreenBackend::Apply(const std::vector<ImageRecord>& images) {
  if (!Reconcile()) return Exited(1);
  return Next().Apply(images);
}

GateResult BlueGreenBackend::Ready() {
  if (!settings_.ready_path) return GateResult::Passed;
  StepExecutor& executor = steps_.executor();
  int health_timeout = steps_.setup().target.health_timeout;
  auto started = executor.Now();
  auto deadline = started + (health_timeout > 0 ? std::chrono::seconds(health_timeout)
                                                : READY_TIMEOUT_WITHOUT_HEALTH);
  std::string url = "http://" + SlotAt(settings_, choice_.next).text + *settings_.ready_path;
  HttpResult answer;
  while (true) {
    answer = executor.Get(url);
    if ((answer.status >= 200 && answer.status < 300) || executor.Now() >= deadline) break;
    if (!executor.Pause(GatePauseSince(started, steps_))) return GateResult::Stopped;
  }
  bool ready = answer.status >= 200 && answer.status < 300;
  std::string said = answer.Answered() ? "HTTP " + std::to_string(answer.status) : answer.error;
  steps_.Note("[ready: GET " + url + ": " + said + (ready ? "" : ", not ready in time") + "]\n");
  double seconds = std::chrono::duration<double>(executor.Now() - started).count();
  steps_.steps().push_back({"ready", {"GET", url}, ready ? 0 : 1, seconds});
  return ready ? GateResult::Passed : GateResult::Failed;
}

GateResult BlueGreenBackend::Abandon(GateResult why) {
  Next().Remove("remove-new");
  if (!choice_.live) {
    steps_.Note("[switch: the first version is not serving; nothing was live before]\n");
    return GateResult::Halted;
  }
  steps_.Note("[switch: the front door still names " + std::string(SlotName(*choice_.live)) + "]\n");
  return why == GateResult::Failed ? GateResult::RolledBack : why;
}

GateResult BlueGreenBackend::Gate() {
  GateResult gate = Next().Gate();
  if (gate == GateResult::Passed) gate = Ready();
  if (gate == GateResult::Stopped) return gate;  // a rerun starts from what the engine runs
  if (gate != GateResult::Passed) return Abandon(gate);
  if (!TellFrontDoor("switch", choice_.next, true)) {
    // The front door kept what it served: put the file back and make sure it still serves that.
    if (choice_.live) TellFrontDoor("switch-back", *choice_.live, true);
    return Abandon(GateResult::Halted);
  }
  live_ = choice_.next;
  if (!choice_.live) return GateResult::Passed;
  steps_.Note("[drain: " + std::to_string(settings_.drain) + " s before " +
              std::string(SlotName(*choice_.live)) + " is removed]\n");
  if (!steps_.executor().Pause(std::chrono::seconds(settings_.drain))) return GateResult::Stopped;
  // The new slot serves whatever becomes of the old one: a failed removal is said, not a failure.
  Side(*choice_.live).Remove("remove-old");
  return GateResult::Passed;
}

}  // namespace

std::unique_ptr<Backend> MakeBlueGreenBackend(StepRunner& steps) {
  return std::make_unique<BlueGreenBackend>(steps);
}

}  // namespace deployhook
