#pragma once
// GET <hook>/badge/<target>.svg: a small badge with the target's last result.

#include <optional>
#include <string>
#include <string_view>

#include "config/run_result.hpp"

namespace deployhook {

// Returns an SVG badge "deploy | <result>" in the result's colour ("none" when never run).
std::string RenderBadge(std::optional<RunResult> result);

}  // namespace deployhook
