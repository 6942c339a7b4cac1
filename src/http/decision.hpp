#pragma once
// Which targets, if any, a verified delivery deploys.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "forge.hpp"

namespace deployhook {

enum class Verdict { Pong, Ignored, Deploy };

struct Decision {
  Verdict verdict = Verdict::Ignored;
  std::string reason;                // why it is ignored; empty otherwise
  std::vector<std::size_t> targets;  // indexes into the targets, for Deploy
};

// Decides on a delivery whose proof verified. `verified[i]` says whether targets[i]'s secret
// proved the body (only targets of the delivery's forge can be), and only such targets can be
// chosen. A push deploys targets with trigger push, a build-finished event those with trigger
// workflow_run, a published package those with trigger package; the deployed commit is
// `event.commit`.
Decision Decide(const Event& event, std::span<const Target> targets,
                const std::vector<bool>& verified);

// Returns true when `a` and `b` are equal ignoring ASCII case (repository names are).
bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept;

}  // namespace deployhook
