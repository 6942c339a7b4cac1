#include "http/decision.hpp"

#include <algorithm>
#include <cassert>
#include <optional>

namespace deployhook {
namespace {

constexpr std::string_view BRANCH_PREFIX = "refs/heads/";
constexpr std::string_view TAG_PREFIX = "refs/tags/";

Decision Ignore(std::string reason) { return {Verdict::Ignored, std::move(reason), {}}; }

bool IsAllZeros(std::string_view sha) {
  return !sha.empty() && std::all_of(sha.begin(), sha.end(), [](char c) { return c == '0'; });
}

std::string_view BranchOf(std::string_view ref) {
  return ref.starts_with(BRANCH_PREFIX) ? ref.substr(BRANCH_PREFIX.size()) : std::string_view{};
}

// Returns the indexes of verified targets on the event's repository.
std::vector<std::size_t> OnRepository(const Event& event, std::span<const Target> targets,
                                      const std::vector<bool>& verified) {
  std::vector<std::size_t> found;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (verified[i] && EqualsIgnoreCase(targets[i].repository, event.repository)) {
      found.push_back(i);
    }
  }
  return found;
}

std::string WaitReason(const Target& target) {
  return target.trigger == Trigger::WorkflowRun
             ? "target " + target.name + " deploys when its workflow run succeeds, not on push"
             : "target " + target.name + " deploys when its package is published, not on push";
}

// Returns why a change deploys nothing (it deletes its ref, is a tag or not a branch), or
// nothing when it updates a branch.
std::optional<std::string> Unusable(const RefChange& change) {
  if (change.deleted || IsAllZeros(change.commit)) return "push deletes the ref";
  if (change.ref.starts_with(TAG_PREFIX)) return "push is a tag";
  if (!change.ref.starts_with(BRANCH_PREFIX)) return "ref is not a branch";
  return std::nullopt;
}

Decision DecidePush(const Event& push, std::span<const Target> targets,
                    const std::vector<bool>& verified) {
  // A push of several refs is decided on each branch it updates; with none, the first change
  // says why nothing deploys.
  std::vector<const RefChange*> updates;
  for (const RefChange& change : push.changes) {
    if (!Unusable(change)) updates.push_back(&change);
  }
  if (updates.empty()) {
    return Ignore(push.changes.empty() ? "push moves no ref" : *Unusable(push.changes.front()));
  }
  auto update_of = [&](const Target& target) -> const RefChange* {
    for (const RefChange* change : updates) {
      if (BranchOf(change->ref) == target.branch) return change;
    }
    return nullptr;
  };

  Decision decision{Verdict::Deploy, {}, {}};
  std::vector<std::size_t> candidates = OnRepository(push, targets, verified);
  const Target* waiting = nullptr;
  for (std::size_t i : candidates) {
    const RefChange* change = update_of(targets[i]);
    if (change == nullptr) continue;
    if (targets[i].trigger == Trigger::Push) {
      decision.targets.push_back({.index = i, .ref = change->ref, .commit = change->commit});
    } else if (waiting == nullptr) {
      waiting = &targets[i];
    }
  }
  if (!decision.targets.empty()) return decision;
  if (waiting != nullptr) return Ignore(WaitReason(*waiting));
  return Ignore(candidates.empty() ? "repository is not configured"
                                   : "branch is not a deploy branch");
}

bool WorkflowMatches(const Target& target, const Event& run) {
  return !target.workflow ||
         std::find(run.workflows.begin(), run.workflows.end(), *target.workflow) !=
             run.workflows.end();
}

Decision DecideWorkflowRun(const Event& run, std::span<const Target> targets,
                           const std::vector<bool>& verified) {
  std::vector<std::size_t> candidates = OnRepository(run, targets, verified);
  std::erase_if(candidates, [&](std::size_t i) { return targets[i].trigger != Trigger::WorkflowRun; });
  if (candidates.empty()) return Ignore("no target of this repository deploys on workflow runs");
  if (run.action != "completed") {
    return Ignore("workflow run is " + run.action + ", not completed");
  }
  if (run.conclusion != "success") {
    return Ignore("workflow run concluded " + (run.conclusion.empty() ? "nothing" : run.conclusion) +
                  ", not success");
  }
  if (run.cause != "push") return Ignore("workflow run was started by " + run.cause + ", not push");
  if (run.commit.empty()) return Ignore("workflow run has no valid head_sha");
  std::string_view branch = BranchOf(run.ref);
  Decision decision{Verdict::Deploy, {}, {}};
  bool branch_known = false;
  for (std::size_t i : candidates) {
    if (targets[i].branch != branch) continue;
    branch_known = true;
    if (WorkflowMatches(targets[i], run)) {
      decision.targets.push_back({.index = i, .ref = run.ref, .commit = run.commit});
    }
  }
  if (!decision.targets.empty()) return decision;
  return Ignore(branch_known ? "workflow is not the target's workflow"
                             : "workflow run is not for a deploy branch");
}

Decision DecidePackage(const Event& published, std::span<const Target> targets,
                       const std::vector<bool>& verified) {
  std::vector<std::size_t> candidates = OnRepository(published, targets, verified);
  std::erase_if(candidates, [&](std::size_t i) { return targets[i].trigger != Trigger::Package; });
  if (candidates.empty()) return Ignore("no target of this repository deploys on packages");
  if (published.action != "published") {
    return Ignore("package was " + published.action + ", not published");
  }
  Decision decision{Verdict::Deploy, {}, {}};
  for (std::size_t i : candidates) {
    if (!targets[i].package || *targets[i].package == published.package) {
      decision.targets.push_back({.index = i, .ref = published.ref, .commit = published.commit});
    }
  }
  if (!decision.targets.empty()) return decision;
  return Ignore("package is not the target's package");
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

Decision Decide(const Event& event, std::span<const Target> targets,
                const std::vector<bool>& verified) {
  assert(verified.size() == targets.size());
  switch (event.kind) {
    case EventKind::Ping: return {Verdict::Pong, {}, {}};
    case EventKind::Push: return DecidePush(event, targets, verified);
    case EventKind::BuildFinished: return DecideWorkflowRun(event, targets, verified);
    case EventKind::PackagePublished: return DecidePackage(event, targets, verified);
    case EventKind::Other: break;
  }
  return Ignore(event.name.empty() ? "no event header" : "event is not push");
}

}  // namespace deployhook
