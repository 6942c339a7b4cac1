#include "source/git_commands.hpp"

#include <algorithm>

#include "util/base64.hpp"
#include "util/shell_words.hpp"

namespace deployhook {
namespace {

// The user name sent with a token: GitHub, Gitea, Forgejo and GitLab take any with a token as
// the password.
constexpr std::string_view TOKEN_USER = "x-access-token";

Argv Git(const std::filesystem::path& cache, std::initializer_list<std::string> words) {
  Argv argv = {"git", "--git-dir=" + cache.string()};
  argv.insert(argv.end(), words.begin(), words.end());
  return argv;
}

std::string Treeish(const std::string& commit, const std::string& path) {
  return path.empty() ? commit + "^{tree}" : commit + ":" + path;
}

}  // namespace

Environment GitEnvironment(const SourceSettings& source, Environment base) {
  base["GIT_TERMINAL_PROMPT"] = "0";
  base["GIT_CONFIG_NOSYSTEM"] = "1";
  base["GIT_CONFIG_GLOBAL"] = "/dev/null";
  base["GIT_ASKPASS"] = "/bin/false";
  if (!source.token.empty()) {
    base["GIT_CONFIG_COUNT"] = "1";
    base["GIT_CONFIG_KEY_0"] = "http.extraHeader";
    base["GIT_CONFIG_VALUE_0"] =
        "Authorization: Basic " + Base64Encode(std::string(TOKEN_USER) + ":" + source.token);
  }
  if (source.key_file) {
    // A shell reads GIT_SSH_COMMAND: the paths are quoted, and they come from the config alone.
    base["GIT_SSH_COMMAND"] = ShellWords({"ssh", "-F", "/dev/null", "-i", source.key_file->string(),
                                          "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                                          "-o", "StrictHostKeyChecking=yes", "-o",
                                          "UserKnownHostsFile=" + source.known_hosts.value_or("/dev/null").string()});
  }
  return base;
}

Argv InitArgv(const std::filesystem::path& cache) { return {"git", "init", "--quiet", "--bare", cache.string()}; }

Argv SetUrlArgv(const std::filesystem::path& cache, const std::string& url) {
  return Git(cache, {"config", "remote.origin.url", url});
}

Argv FetchArgv(const std::filesystem::path& cache, const std::string& branch) {
  return Git(cache, {"fetch", "--quiet", "--no-tags", "--filter=blob:none", "origin",
                     "+refs/heads/" + branch + ":refs/heads/" + branch});
}

Argv OnBranchArgv(const std::filesystem::path& cache, const std::string& commit, const std::string& branch) {
  return Git(cache, {"merge-base", "--is-ancestor", commit, "refs/heads/" + branch});
}

Argv TipArgv(const std::filesystem::path& cache, const std::string& branch) {
  return Git(cache, {"rev-parse", "--verify", "--quiet", "refs/heads/" + branch + "^{commit}"});
}

Argv PathTypeArgv(const std::filesystem::path& cache, const std::string& commit, const std::string& path) {
  return Git(cache, {"cat-file", "-t", Treeish(commit, path)});
}

Argv CheckoutArgv(const std::filesystem::path& cache, const std::filesystem::path& work_tree,
                  const std::string& commit, const std::string& path) {
  return Git(cache, {"--work-tree=" + work_tree.string(), "read-tree", "--reset", "-u", Treeish(commit, path)});
}

Argv LsRemoteArgv(const std::string& url, const std::string& branch) {
  return {"git", "ls-remote", url, "refs/heads/" + branch};
}

Argv DecryptArgv(const std::filesystem::path& identity, const std::filesystem::path& encrypted,
                 const std::filesystem::path& plain) {
  return {"age", "--decrypt", "--identity", identity.string(), "--output", plain.string(), encrypted.string()};
}

std::optional<std::string> ParseRemoteTip(std::string_view output, std::string_view branch) {
  std::string ref = "refs/heads/" + std::string(branch);
  while (!output.empty()) {
    std::size_t end = output.find('\n');
    std::string_view line = output.substr(0, end);
    output.remove_prefix(end == std::string_view::npos ? output.size() : end + 1);
    std::size_t tab = line.find('\t');
    if (tab != std::string_view::npos && line.substr(tab + 1) == ref && IsCommitId(line.substr(0, tab))) {
      return std::string(line.substr(0, tab));
    }
  }
  return std::nullopt;
}

}  // namespace deployhook
