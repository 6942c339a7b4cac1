#pragma once
// The git and age commands a target's source runs, and their environment, built from the
// target's configuration and a commit id checked to be one: nothing else from a payload reaches
// them, and no secret is ever in their arguments.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "util/hex.hpp"

namespace deployhook {

using Argv = std::vector<std::string>;
using Environment = std::map<std::string, std::string>;

// Returns `base` with what every git command of `source` needs: no prompt, no system or user
// config, and its credentials (the token as an HTTP Authorization header through GIT_CONFIG_*,
// or the deploy key and pinned host keys through GIT_SSH_COMMAND).
Environment GitEnvironment(const SourceSettings& source, Environment base);

// git init --bare: the target's repository cache.
Argv InitArgv(const std::filesystem::path& cache);
// git config remote.origin.url URL
Argv SetUrlArgv(const std::filesystem::path& cache, const std::string& url);
// Fetches the branch (commits and trees; blobs later, only the checked-out folder's).
Argv FetchArgv(const std::filesystem::path& cache, const std::string& branch);
// Exits 0 when `commit` is the branch's tip or an ancestor of it.
Argv OnBranchArgv(const std::filesystem::path& cache, const std::string& commit, const std::string& branch);
// Prints the branch's tip as fetched last.
Argv TipArgv(const std::filesystem::path& cache, const std::string& branch);
// Prints "tree" when `path` ("" the root) is a folder at `commit`.
Argv PathTypeArgv(const std::filesystem::path& cache, const std::string& commit, const std::string& path);
// Writes the tree of `path` at `commit` into `work_tree` (with GIT_INDEX_FILE set apart).
Argv CheckoutArgv(const std::filesystem::path& cache, const std::filesystem::path& work_tree,
                  const std::string& commit, const std::string& path);
// git ls-remote URL refs/heads/BRANCH: the branch's tip on the server.
Argv LsRemoteArgv(const std::string& url, const std::string& branch);
// age --decrypt with the identity file, from `encrypted` to `plain`.
Argv DecryptArgv(const std::filesystem::path& identity, const std::filesystem::path& encrypted,
                 const std::filesystem::path& plain);

// Returns the commit `git ls-remote` printed for refs/heads/BRANCH; nothing when it printed none.
std::optional<std::string> ParseRemoteTip(std::string_view output, std::string_view branch);

}  // namespace deployhook
