// The git and age commands of a source: credentials only in the environment, never in argv;
// the commit and paths as configured; ls-remote's answer read.

#include <boost/test/unit_test.hpp>

#include "source/git_commands.hpp"
#include "util/base64.hpp"

namespace deployhook {
namespace {

bool Mentions(const Argv& argv, std::string_view text) {
  for (const std::string& word : argv) {
    if (word.find(text) != std::string::npos) return true;
  }
  return false;
}

const std::string COMMIT = "0123456789abcdef0123456789abcdef01234567";

}  // namespace

BOOST_AUTO_TEST_SUITE(git_commands)

BOOST_AUTO_TEST_CASE(a_token_goes_in_a_header_through_the_environment) {
  SourceSettings source;
  source.url = "https://git.example.com/a/b.git";
  source.token = "s3cret-token";
  Environment env = GitEnvironment(source, {{"PATH", "/usr/bin"}});
  BOOST_TEST(env.at("GIT_CONFIG_COUNT") == "1");
  BOOST_TEST(env.at("GIT_CONFIG_KEY_0") == "http.extraHeader");
  BOOST_TEST(env.at("GIT_CONFIG_VALUE_0") == "Authorization: Basic " + Base64Encode("x-access-token:s3cret-token"));
  BOOST_TEST(env.at("GIT_TERMINAL_PROMPT") == "0");
  BOOST_TEST(env.at("GIT_CONFIG_GLOBAL") == "/dev/null");
  BOOST_TEST(env.at("PATH") == "/usr/bin");
  BOOST_TEST(!env.contains("GIT_SSH_COMMAND"));
  std::filesystem::path cache = "/var/lib/deployhook/sources/shop.git";
  for (const Argv& argv : {FetchArgv(cache, "main"), SetUrlArgv(cache, source.url), LsRemoteArgv(source.url, "main"),
                           CheckoutArgv(cache, "/tmp/w", COMMIT, "deploy"), OnBranchArgv(cache, COMMIT, "main")}) {
    BOOST_TEST(!Mentions(argv, "s3cret-token"));
  }
}

BOOST_AUTO_TEST_CASE(a_deploy_key_goes_through_a_quoted_ssh_command) {
  SourceSettings source;
  source.url = "ssh://git@h/a.git";
  source.key_file = "/etc/deployhook/deploy key";
  source.known_hosts = "/etc/deployhook/known_hosts";
  Environment env = GitEnvironment(source, {});
  BOOST_TEST(env.at("GIT_SSH_COMMAND") ==
             "ssh -F /dev/null -i '/etc/deployhook/deploy key' -o IdentitiesOnly=yes -o BatchMode=yes "
             "-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/etc/deployhook/known_hosts");
  BOOST_TEST(!env.contains("GIT_CONFIG_COUNT"));
}

BOOST_AUTO_TEST_CASE(commands_name_the_commit_branch_and_folder) {
  std::filesystem::path cache = "/s/shop.git";
  BOOST_TEST((FetchArgv(cache, "main") ==
              Argv{"git", "--git-dir=/s/shop.git", "fetch", "--quiet", "--no-tags", "--filter=blob:none", "origin",
                   "+refs/heads/main:refs/heads/main"}));
  BOOST_TEST((OnBranchArgv(cache, COMMIT, "main") ==
              Argv{"git", "--git-dir=/s/shop.git", "merge-base", "--is-ancestor", COMMIT, "refs/heads/main"}));
  BOOST_TEST(CheckoutArgv(cache, "/w", COMMIT, "deploy").back() == COMMIT + ":deploy");
  BOOST_TEST(CheckoutArgv(cache, "/w", COMMIT, "").back() == COMMIT + "^{tree}");
  BOOST_TEST(PathTypeArgv(cache, COMMIT, "").back() == COMMIT + "^{tree}");
  BOOST_TEST((DecryptArgv("/k", "/c/a.env.age", "/p/a.env") ==
              Argv{"age", "--decrypt", "--identity", "/k", "--output", "/p/a.env", "/c/a.env.age"}));
}

BOOST_AUTO_TEST_CASE(reads_the_branch_tip_from_ls_remote) {
  std::string output = "1111111111111111111111111111111111111111\trefs/heads/main-old\n" + COMMIT +
                       "\trefs/heads/main\n";
  BOOST_TEST(ParseRemoteTip(output, "main").value_or("") == COMMIT);
  BOOST_TEST(!ParseRemoteTip(output, "dev").has_value());
  BOOST_TEST(!ParseRemoteTip("", "main").has_value());
  BOOST_TEST(!ParseRemoteTip("not-a-commit\trefs/heads/main\n", "main").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
