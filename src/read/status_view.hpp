#pragma once
// GET <hook>/status: every target's state, deployed commit and last runs as JSON.

#include <string>
#include <vector>

#include "read/read_model.hpp"

namespace deployhook {

// Returns {"targets": [{"name", "state", "paused", "queued", "deployed", "runs"}]}, runs newest
// first (at most `runs` of them).
std::string RenderStatusJson(const std::vector<TargetView>& targets, std::size_t runs = 10);

}  // namespace deployhook
