#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

// Returns argv as one line a POSIX shell would split back into the same words: a word of only
// letters, digits and @%+=:,./_- stays bare, any other (an empty one too) is single-quoted with
// its quotes written '\''. For the run log's "$ ..." lines, and GIT_SSH_COMMAND (which git hands a shell).
std::string ShellWords(const std::vector<std::string>& argv);

}  // namespace deployhook
