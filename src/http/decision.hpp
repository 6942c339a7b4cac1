#pragma once
// Which targets, if any, a verified delivery deploys.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "payload.hpp"

namespace deployhook {

enum class Verdict { Pong, Ignored, Deploy };

struct Decision {
  Verdict verdict = Verdict::Ignored;
  std::string reason;                // why it is ignored; empty otherwise
  std::vector<std::size_t> targets;  // indexes into the targets, for Deploy
};

// Decides on a delivery whose signature verified. `push` is the parsed payload when `event` is
// "push"; `verified[i]` says whether targets[i]'s secret signed the body, and only such targets
// can be chosen.
Decision Decide(std::string_view event, const PushPayload* push, std::span<const Target> targets,
                const std::vector<bool>& verified);

// Returns true when `a` and `b` are equal ignoring ASCII case (repository names are).
bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept;

}  // namespace deployhook
