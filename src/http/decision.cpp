#include "decision.hpp"

#include <algorithm>
#include <cassert>

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

Decision DecidePush(const Event& push, std::span<const Target> targets,
                    const std::vector<bool>& verified) {
  if (push.deleted || IsAllZeros(push.commit)) return Ignore("push deletes the ref");
  if (push.ref.starts_with(TAG_PREFIX)) return Ignore("push is a tag");
  if (!push.ref.starts_with(BRANCH_PREFIX)) return Ignore("ref is not a branch");
  std::string_view branch = BranchOf(push.ref);

  Decision decision{Verdict::Deploy, {}, {}};
  std::vector<std::size_t> candidates = OnRepository(push, targets, verified);
  const Target* waiting = nullptr;
  for (std::size_t i : candidates) {
    if (targets[i].branch != branch) continue;
    if (targets[i].trigger == Trigger::Push) {
      decision.targets.push_back(i);
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
    if (WorkflowMatches(targets[i], run)) decision.targets.push_back(i);
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
      decision.targets.push_back(i);
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
