// Which earlier run `deployhook rollback` puts back.

#include <boost/test/unit_test.hpp>

#include "deploy/restore_choice.hpp"

namespace deployhook {
namespace {

RunRecord Run(std::string id, std::string result, std::string target = "web", std::string kind = "deploy",
              std::string restores = "") {
  RunRecord run;
  run.id = std::move(id);
  run.target = std::move(target);
  run.result = std::move(result);
  run.kind = std::move(kind);
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
  std::vector<RunRecord> history = {Run("3", "succeeded"), Run("x", "failed"), Run("2", "succeeded"),
                                    Run("other", "succeeded", "api"), Run("1", "succeeded")};
  BOOST_TEST(Chosen(history) == "2");
}

BOOST_AUTO_TEST_CASE(skips_runs_that_did_not_deploy_their_images) {
  std::vector<RunRecord> history = {Run("4", "rolled_back"), Run("3", "succeeded"), Run("s", "stale"),
                                    Run("u", "unchanged"), Run("2", "succeeded")};
  BOOST_TEST(Chosen(history) == "2");
}

BOOST_AUTO_TEST_CASE(after_a_rollback_goes_further_back) {
  std::vector<RunRecord> history = {Run("r", "succeeded", "web", "rollback", "2"), Run("3", "succeeded"),
                                    Run("2", "succeeded"), Run("1", "succeeded")};
  BOOST_TEST(Chosen(history) == "1");
}

BOOST_AUTO_TEST_CASE(says_when_there_is_nothing_to_go_back_to) {
  BOOST_TEST(Chosen({}).starts_with("error: target web has no deployed run"));
  BOOST_TEST(Chosen({Run("1", "succeeded")}).starts_with("error: no succeeded deployment of web before run 1"));
  RunRecord without_images = Run("1", "succeeded");
  without_images.images.clear();  // recorded before runs noted their images
  BOOST_TEST(Chosen({Run("2", "succeeded"), without_images}).starts_with("error: no succeeded deployment"));
}

BOOST_AUTO_TEST_CASE(takes_the_run_named_by_to) {
  std::vector<RunRecord> history = {Run("3", "succeeded"), Run("2", "succeeded"), Run("1", "succeeded")};
  BOOST_TEST(Chosen(history, "1") == "1");
  BOOST_TEST(Chosen(history, "3") == "3");
}

BOOST_AUTO_TEST_CASE(refuses_a_to_that_cannot_be_restored) {
  std::vector<RunRecord> history = {Run("3", "succeeded"), Run("f", "failed"),
                                    Run("api-1", "succeeded", "api")};
  BOOST_TEST(Chosen(history, "nope") == "error: no run nope in the history");
  BOOST_TEST(Chosen(history, "api-1") == "error: run api-1 belongs to target api, not web");
  BOOST_TEST(Chosen(history, "f").starts_with("error: run f ended failed"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
