#pragma once
// Which targets, if any, a verified delivery deploys.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "forge/forge.hpp"

namespace deployhook {

enum class Verdict { Pong, Ignored, Deploy };

// A target a delivery deploys, and the ref and commit its run aims at.
struct ChosenTarget {
  std::size_t index = 0;  // into the targets
  std::string ref;        // "refs/heads/<branch>": the pushed branch or the build's head branch
  std::string commit;     // the pushed head, head_sha or revision label (may be empty)
};

struct Decision {
  Verdict verdict = Verdict::Ignored;
  std::string reason;                 // why it is ignored; empty otherwise
  std::vector<ChosenTarget> targets;  // for Deploy, in the targets' order
};

// Decides on a delivery whose proof verified. `verified[i]` says whether targets[i]'s secret
// proved the body (only targets of the delivery's forge can be), and only such targets can be
// chosen. A push deploys targets with trigger push whose branch one of its changes updates, at
// that change's commit (deletions and tags among the changes are passed over); a build-finished
// event deploys those with trigger workflow_run and a published package those with trigger
// package, at `event.commit`.
Decision Decide(const Event& event, std::span<const Target> targets,
                const std::vector<bool>& verified);

// Returns true when `a` and `b` are equal ignoring ASCII case (repository names are).
bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept;

}  // namespace deployhook
