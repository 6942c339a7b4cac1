#pragma once
// A run's compose files from the target's repository: fetch the branch into a cache, check that
// the commit is on it, check its source_path out read-only under
// state_dir/checkouts/<target>/<commit>, and decrypt its .age files into a private tmpfs folder
// for the run alone. Every command goes through the run's process layer and into its log.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "source/git_commands.hpp"
#include "source/redactor.hpp"
#include "state/history.hpp"
#include "util/process.hpp"

namespace deployhook {

struct SourceContext {
  const Target& target;  // one with a source
  std::filesystem::path state_dir;
  Environment env;  // the steps' environment; git's is built on it
  std::function<ProcessResult(const ProcessSpec&)> run;  // runs one command (the run's executor)
  std::function<void(std::string_view)> log;             // appends to the run's log
  Redactor& redactor;                 // learns the token and every decrypted value
  std::filesystem::path secrets_base;  // SecretsBase(): where decrypted files go
};

struct Checkout {
  std::string commit;
  std::filesystem::path dir;  // where compose runs: the commit's source_path
};

// Whether Prepare checks that the commit is on the deploy branch: a push's commit must be; a
// rollback's or the previous run's was when it was deployed.
enum class OnBranch { Verify, Trust };

class SourceRun {
 public:
  explicit SourceRun(SourceContext context);
  // Removes every folder of decrypted files this run made, and the links to them.
  ~SourceRun();
  SourceRun(const SourceRun&) = delete;
  SourceRun& operator=(const SourceRun&) = delete;

  // Returns the checkout of `commit` ("": the branch's tip), fetched (once per run) and checked
  // as `check` says when it is not there yet, with its .age files decrypted; nothing when a
  // step failed, with a line in the log naming what failed.
  std::optional<Checkout> Prepare(const std::string& commit, OnBranch check);
  // The fetch, verify, checkout and decrypt steps, for the history.
  const std::vector<StepRecord>& Steps() const { return steps_; }
  // Removes the target's checkouts whose commit is not in `keep` (nor prepared by this run),
  // and what interrupted runs left behind. Never throws.
  void Prune(const std::set<std::string>& keep) noexcept;

 private:
  // What a local git or age command may take; a fetch may take the target's pull_timeout.
  static constexpr std::chrono::seconds COMMAND_TIMEOUT{60};

  // Runs one command; logs it, records it as step `name` when `record`; true when it exited 0.
  bool Command(const std::string& name, const Argv& argv, bool record, ProcessResult* result = nullptr,
               const Environment& extra = {}, std::chrono::seconds timeout = COMMAND_TIMEOUT);
  bool Fetch();
  std::optional<std::string> Resolve(const std::string& commit, OnBranch check);
  bool CheckOut(const std::string& commit);
  bool LinkEncrypted(const std::filesystem::path& tree, const std::string& commit);
  bool Decrypt(const std::string& commit);
  void Fail(const std::string& what);

  std::filesystem::path Cache() const;
  std::filesystem::path Folder() const;  // state_dir/checkouts/<target>

  SourceContext context_;
  const SourceSettings& source_;
  Environment git_env_;
  std::vector<StepRecord> steps_;
  bool fetched_ = false;
  std::vector<std::string> prepared_;                  // commits
  std::vector<std::filesystem::path> decrypted_;       // folders of decrypted files
};

}  // namespace deployhook
