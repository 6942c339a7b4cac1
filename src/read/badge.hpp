#pragma once
// GET <hook>/badge/<target>.svg: a small badge with the target's last result.

#include <string>
#include <string_view>

namespace deployhook {

// Returns an SVG badge "deploy | <result>" in the result's colour ("none" when never run).
std::string RenderBadge(std::string_view result);

}  // namespace deployhook
