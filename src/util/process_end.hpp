#pragma once
// How a command run by RunProcess ended, as the run log and the journal say it.

#include <string>
#include <string_view>

#include "util/process.hpp"

namespace deployhook {

// Returns why it ended other than by exiting ("timed out", "interrupted: ...", "could not
// start"), "" when it exited.
const char* EndedOtherwise(const ProcessResult& result);

// Returns the run log's line after a command's output: "[name: exit N]\n", or why it ended
// otherwise, saying what became of its process group.
std::string EndLine(std::string_view name, const ProcessResult& result);

// True when it ran to the end and exited 0.
bool Succeeded(const ProcessResult& result);

}  // namespace deployhook
