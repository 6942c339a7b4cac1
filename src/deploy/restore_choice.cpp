#include "deploy/restore_choice.hpp"

#include <algorithm>

namespace deployhook {
namespace {

bool HasImages(const RunRecord& run) {
  return std::any_of(run.images.begin(), run.images.end(),
                     [](const ImageRecord& image) { return !image.after.empty(); });
}

RestoreChoice Fail(std::string error) { return {std::nullopt, std::move(error)}; }

}  // namespace

RestoreChoice ChooseRestore(const std::vector<RunRecord>& history, std::string_view target,
                            const std::optional<std::string>& to) {
  if (to) {
    auto named = std::find_if(history.begin(), history.end(), [&](const RunRecord& run) { return run.id == *to; });
    if (named == history.end()) return Fail("no run " + *to + " in the history");
    if (named->target != target) {
      return Fail("run " + *to + " belongs to target " + named->target + ", not " + std::string(target));
    }
    if (!LeftDeployed(*named)) return Fail("run " + *to + " ended " + std::string(Name(named->result)) + ": only a succeeded run can be restored");
    if (!HasImages(*named)) return Fail("run " + *to + " recorded no images to put back");
    return {*named, {}};
  }
  std::vector<const RunRecord*> runs;
  for (const RunRecord& run : history) {
    if (run.target == target) runs.push_back(&run);
  }
  auto current = std::find_if(runs.begin(), runs.end(), [](const RunRecord* run) { return LeftDeployed(*run); });
  if (current == runs.end()) return Fail("target " + std::string(target) + " has no deployed run to roll back from");
  if ((*current)->kind == RunKind::Rollback) {
    const RunRecord& rollback = **current;
    current = std::find_if(current, runs.end(), [&](const RunRecord* run) { return run->id == rollback.restores; });
    if (current == runs.end()) {
      return Fail("run " + rollback.restores + ", which rollback " + rollback.id + " restored, is no longer in the history");
    }
  }
  auto earlier = std::find_if(current + 1, runs.end(), [](const RunRecord* run) {
    return run->kind == RunKind::Deploy && run->result == RunResult::Succeeded && HasImages(*run);
  });
  if (earlier == runs.end()) {
    return Fail("no succeeded deployment of " + std::string(target) + " before run " + (*current)->id +
                " to roll back to");
  }
  return {**earlier, {}};
}

}  // namespace deployhook
