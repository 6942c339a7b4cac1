#include "deploy/run_source.hpp"

namespace deployhook {

void NotePast(TargetPast& past, const RunRecord& run, const std::string& name) {
  if (run.target != name) return;
  const std::string& commit = RunCommit(run);
  if (!commit.empty()) past.commits.insert(commit);
  past.newest_commit = commit;
  if (LeftDeployed(run)) {
    past.deployed_commit = commit;
    past.deployed_config = run.config;
  }
}

TargetPast ReadTargetPast(const std::filesystem::path& state_dir, const std::string& name) {
  TargetPast past;
  ForEachRun(state_dir, [&](RunRecord&& run) { NotePast(past, run, name); });
  return past;
}

RunPlace PlaceRun(SourceContext context, const std::string& commit, bool rollback,
                  const TargetPast& past, bool& failed) {
  RunPlace place{.target = context.target, .commit = "", .previous_dir = std::nullopt, .source = nullptr};
  failed = false;
  if (!context.target.source) return place;
  std::function<void(std::string_view)> log = context.log;
  place.source = std::make_unique<SourceRun>(std::move(context));
  std::optional<Checkout> checkout = place.source->Prepare(commit, rollback ? OnBranch::Trust : OnBranch::Verify);
  if (!checkout) {
    failed = true;
    return place;
  }
  place.commit = checkout->commit;
  place.target.project_dir = checkout->dir;
  if (!past.deployed_commit.empty() && past.deployed_commit != checkout->commit) {
    if (std::optional<Checkout> previous = place.source->Prepare(past.deployed_commit, OnBranch::Trust)) {
      place.previous_dir = previous->dir;
    } else {
      log("[source: the deployed run's checkout (" + past.deployed_commit.substr(0, 12) +
          ") cannot be made; a rollback would run in this commit's]\n");
    }
  }
  return place;
}

}  // namespace deployhook
