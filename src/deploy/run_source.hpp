#pragma once
// Where a run's compose commands run: for a target with a source, the checkout of the run's
// commit (and the previous run's, where a rollback after a failed gate goes back to); for the
// others, the target's project_dir. And what the history says of the target.

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "config/config.hpp"
#include "source/checkout.hpp"
#include "state/history.hpp"

namespace deployhook {

// What the history holds of one target's runs.
struct TargetPast {
  std::string deployed_commit;  // of the newest run that left its images running
  std::string deployed_config;  // its config hash; empty when it recorded none
  std::string newest_commit;    // of the newest run, whatever its result
  std::set<std::string> commits;  // every commit its runs name: their checkouts are kept
};

// Adds `run` (read oldest first) to what `past` holds of target `name`.
void NotePast(TargetPast& past, const RunRecord& run, const std::string& name);

// Returns what the history in `state_dir` holds of target `name`'s runs.
TargetPast ReadTargetPast(const std::filesystem::path& state_dir, const std::string& name);

struct RunPlace {
  Target target;  // the target, its project_dir the checkout for one with a source
  std::string commit;  // the commit checked out; empty without a source
  std::optional<std::filesystem::path> previous_dir;  // the deployed run's checkout
  std::unique_ptr<SourceRun> source;  // keeps the decrypted files for the run; null: no source
};

// Returns the place of a run of `context.target` at `commit` ("": the branch's tip); with a
// source, fetched, verified (unless `rollback`: the restored run's commit was when it ran),
// checked out and decrypted, and the deployed run's checkout too. `failed` is set, with the
// log saying why, when that could not be done.
RunPlace PlaceRun(SourceContext context, const std::string& commit, bool rollback,
                  const TargetPast& past, bool& failed);

}  // namespace deployhook
