// Which earlier run `deployhook rollback` puts back.

#include <boost/test/unit_test.hpp>

#include "deploy/restore_choice.hpp"

namespace deployhook {
namespace {

RunRecord Run(std::string id, RunResult result, std::string target = "web", RunKind kind = RunKind::Deploy,
              std::string restores = "") {
  RunRecord run;
  run.id = std::move(id);
  run.target = std::move(target);
  run.result = result;
  run.kind = kind;
  run.restores = std::move(restores);
  run.images = {{"app", "registry.local/app:latest", "sha256:before", "sha256:" + run.id, std::nullopt, std::nullopt}};
  return run;
}

std::string Chosen(const std::vector<RunRecord>& history, const std::optional<std::string>& to = std::nullopt) {
  RestoreChoice choice = ChooseRestore(history, "web", to);
  return choice.run ? choice.run->id : "error: " + choice.error;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(restore_choice)

BOOST_AUTO_TEST_CASE(defaults_to_the_succeeded_run_before_the_deployed_one) {
  // Newest first: v3 deployed, v2 before it, then a failure and v1.
  std::vector<RunRecord> history = {Run("3", RunResult::Succeeded), Run("x", RunResult::Failed), Run("2", RunResult::Succeeded),
                                    Run("other", RunResult::Succeeded, "api"), Run("1", RunResult::Succeeded)};
  BOOST_TEST(Chosen(history) == "2");
}

BOOST_AUTO_TEST_CASE(skips_runs_that_did_not_deploy_their_images) {
  std::vector<RunRecord> history = {Run("4", RunResult::RolledBack), Run("3", RunResult::Succeeded), Run("s", RunResult::Stale),
                                    Run("u", RunResult::Unchanged), Run("2", RunResult::Succeeded)};
  BOOST_TEST(Chosen(history) == "2");
}

BOOST_AUTO_TEST_CASE(after_a_rollback_goes_further_back) {
  std::vector<RunRecord> history = {Run("r", RunResult::Succeeded, "web", RunKind::Rollback, "2"), Run("3", RunResult::Succeeded),
                                    Run("2", RunResult::Succeeded), Run("1", RunResult::Succeeded)};
  BOOST_TEST(Chosen(history) == "1");
}

BOOST_AUTO_TEST_CASE(says_when_there_is_nothing_to_go_back_to) {
  BOOST_TEST(Chosen({}).starts_with("error: target web has no deployed run"));
  BOOST_TEST(Chosen({Run("1", RunResult::Succeeded)}).starts_with("error: no succeeded deployment of web before run 1"));
  RunRecord without_images = Run("1", RunResult::Succeeded);
  without_images.images.clear();  // recorded before runs noted their images
  BOOST_TEST(Chosen({Run("2", RunResult::Succeeded), without_images}).starts_with("error: no succeeded deployment"));
}

BOOST_AUTO_TEST_CASE(takes_the_run_named_by_to) {
  std::vector<RunRecord> history = {Run("3", RunResult::Succeeded), Run("2", RunResult::Succeeded), Run("1", RunResult::Succeeded)};
  BOOST_TEST(Chosen(history, "1") == "1");
  BOOST_TEST(Chosen(history, "3") == "3");
}

BOOST_AUTO_TEST_CASE(refuses_a_to_that_cannot_be_restored) {
  std::vector<RunRecord> history = {Run("3", RunResult::Succeeded), Run("f", RunResult::Failed),
                                    Run("api-1", RunResult::Succeeded, "api")};
  BOOST_TEST(Chosen(history, "nope") == "error: no run nope in the history");
  BOOST_TEST(Chosen(history, "api-1") == "error: run api-1 belongs to target api, not web");
  BOOST_TEST(Chosen(history, "f").starts_with("error: run f ended failed"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
