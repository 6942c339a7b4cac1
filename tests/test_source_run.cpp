// A source run over a scripted process layer: which git commands it runs, in which order, with
// which timeouts; and that a failed step ends it before the next, naming what failed.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "source/checkout.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::MakeTarget;
using testing::TempDir;
using testing::WriteText;

const std::string COMMIT = "0123456789abcdef0123456789abcdef01234567";
const std::string URL = "https://git.example.com/shop/app.git";
constexpr int PULL_TIMEOUT = 17;

// The git subcommand an argv runs ("init", "config", "fetch", "merge-base", "cat-file",
// "read-tree", ...): the first word after git's own options.
std::string Subcommand(const Argv& argv) {
  for (std::size_t i = 1; i < argv.size(); ++i) {
    if (!argv[i].starts_with("--")) return argv[i];
  }
  return "";
}

// Answers each git subcommand as scripted (exit 0 and no output unless told), and keeps every
// spec it was given. read-tree writes a compose file into its work tree, as git would.
class ScriptedGit {
 public:
  std::map<std::string, ProcessResult> answers;
  std::vector<ProcessSpec> specs;

  ProcessResult Run(const ProcessSpec& spec) {
    specs.push_back(spec);
    std::string command = Subcommand(spec.argv);
    if (command == "cat-file" && !answers.contains(command)) {
      ProcessResult tree;
      tree.exit_code = 0;
      tree.output = "tree\n";
      return tree;
    }
    if (command == "read-tree") {
      std::string work_tree = spec.argv[2].substr(std::string("--work-tree=").size());
      WriteText(std::filesystem::path(work_tree) / "compose.yaml", "services: {}\n");
    }
    if (auto it = answers.find(command); it != answers.end()) return it->second;
    ProcessResult done;
    done.exit_code = 0;
    return done;
  }

  std::vector<std::string> Commands() const {
    std::vector<std::string> names;
    for (const ProcessSpec& spec : specs) names.push_back(Subcommand(spec.argv));
    return names;
  }
};

struct SourceFixture {
  TempDir state;
  TempDir secrets;
  Target target = MakeTarget("shop", "shop/app", "main");
  ScriptedGit git;
  std::string log;
  Redactor redactor;

  SourceFixture() {
    target.source = SourceSettings{};
    target.source->url = URL;
    target.pull_timeout = PULL_TIMEOUT;
  }

  SourceContext Context() {
    return SourceContext{.target = target,
                         .state_dir = state.Path(),
                         .env = {{"PATH", "/usr/bin:/bin"}},
                         .run = [this](const ProcessSpec& spec) { return git.Run(spec); },
                         .log = [this](std::string_view text) { log += text; },
                         .redactor = redactor,
                         .secrets_base = secrets.Path()};
  }
};

std::vector<std::string> StepNames(const std::vector<StepRecord>& steps) {
  std::vector<std::string> names;
  for (const StepRecord& step : steps) names.push_back(step.name);
  return names;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(source_run, SourceFixture)

BOOST_AUTO_TEST_CASE(the_fetch_may_take_the_pull_timeout_and_every_local_command_sixty_seconds) {
  SourceRun run(Context());
  std::optional<Checkout> checkout = run.Prepare(COMMIT, OnBranch::Verify);
  BOOST_TEST_REQUIRE(checkout.has_value(), log);
  BOOST_TEST(checkout->commit == COMMIT);
  BOOST_TEST(checkout->dir == state.Path() / "checkouts" / "shop" / COMMIT);
  BOOST_TEST(std::filesystem::exists(checkout->dir / "compose.yaml"));
  BOOST_TEST(git.Commands() == (std::vector<std::string>{"init", "config", "fetch", "merge-base", "cat-file",
                                                         "read-tree"}),
             boost::test_tools::per_element());
  for (const ProcessSpec& spec : git.specs) {
    long expected_ms = (Subcommand(spec.argv) == "fetch" ? PULL_TIMEOUT : 60) * 1000L;
    BOOST_TEST(spec.timeout.count() == expected_ms, Subcommand(spec.argv));
    BOOST_TEST(spec.cwd == state.Path());
    BOOST_TEST(spec.env.at("GIT_TERMINAL_PROMPT") == "0");
  }
  BOOST_TEST(StepNames(run.Steps()) == (std::vector<std::string>{"fetch", "verify", "checkout"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_fetch_that_times_out_ends_the_run_before_any_checkout_and_says_so) {
  ProcessResult slow;
  slow.exit_code = 128 + 9;
  slow.timed_out = true;
  git.answers["fetch"] = slow;
  SourceRun run(Context());
  BOOST_TEST(!run.Prepare(COMMIT, OnBranch::Verify).has_value());
  BOOST_TEST(git.Commands() == (std::vector<std::string>{"init", "config", "fetch"}), boost::test_tools::per_element());
  BOOST_TEST(log.find("[fetch: timed out, process group killed]") != std::string::npos, log);
  BOOST_TEST(log.find("[source: cannot fetch branch main from " + URL + "; nothing was changed]") != std::string::npos,
             log);
  BOOST_TEST(!std::filesystem::exists(state / "checkouts" / "shop" / COMMIT));
  BOOST_TEST(StepNames(run.Steps()) == (std::vector<std::string>{"fetch"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_commit_not_on_the_branch_is_never_checked_out) {
  ProcessResult not_ancestor;
  not_ancestor.exit_code = 1;
  git.answers["merge-base"] = not_ancestor;
  SourceRun run(Context());
  BOOST_TEST(!run.Prepare(COMMIT, OnBranch::Verify).has_value());
  BOOST_TEST(git.Commands() == (std::vector<std::string>{"init", "config", "fetch", "merge-base"}),
             boost::test_tools::per_element());
  BOOST_TEST(log.find("commit 0123456789ab is not on branch main of " + URL) != std::string::npos, log);
}

BOOST_AUTO_TEST_CASE(a_checkout_that_is_there_is_trusted_without_any_git_command) {
  std::filesystem::create_directories(state / "checkouts" / "shop" / COMMIT);
  SourceRun run(Context());
  std::optional<Checkout> checkout = run.Prepare(COMMIT, OnBranch::Trust);
  BOOST_TEST_REQUIRE(checkout.has_value(), log);
  BOOST_TEST(git.specs.empty());
  BOOST_TEST(run.Steps().empty());
}

BOOST_AUTO_TEST_CASE(a_source_path_that_is_no_folder_fails_before_the_checkout) {
  target.source->path = "deploy";
  ProcessResult blob;
  blob.exit_code = 0;
  blob.output = "blob\n";
  git.answers["cat-file"] = blob;
  SourceRun run(Context());
  BOOST_TEST(!run.Prepare(COMMIT, OnBranch::Verify).has_value());
  std::vector<std::string> commands = git.Commands();
  BOOST_TEST(std::count(commands.begin(), commands.end(), "read-tree") == 0);
  BOOST_TEST(log.find("source_path \"deploy\" is no folder at commit 0123456789ab") != std::string::npos, log);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
