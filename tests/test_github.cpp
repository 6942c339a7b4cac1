// GitHub's build-finished and package events: workflow_run and registry_package/package
// payloads read into Events, from the real octokit examples and variants of them.

#include <boost/test/unit_test.hpp>

#include "forge/github.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::ReadFixture;

constexpr std::string_view RUN_FIXTURE = "github/workflow_run/octokit-completed.json";
constexpr std::string_view RUN_SHA = "3484a3fb816e0859fd6e1cea078d76385ff50625";
constexpr std::string_view PACKAGE_FIXTURE =
    "github/registry_package/octokit-published-docker-abridged.json";
constexpr std::string_view LABEL_SHA = "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b";

// Returns `body` with the first `from` replaced by `to`; fails the test when `from` is absent.
std::string Replaced(std::string body, std::string_view from, std::string_view to) {
  std::size_t at = body.find(from);
  BOOST_TEST_REQUIRE(at != std::string::npos, "no " << from);
  return body.replace(at, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(github)

BOOST_AUTO_TEST_CASE(reads_a_completed_workflow_run) {
  EventResult result = ParseGitHubEvent("workflow_run", ReadFixture(RUN_FIXTURE));
  BOOST_TEST_REQUIRE(result.ok, result.error);
  const Event& run = result.event;
  BOOST_TEST(run.kind == EventKind::BuildFinished);
  BOOST_TEST(run.action == "completed");
  BOOST_TEST(run.conclusion == "success");
  BOOST_TEST(run.cause == "repository_dispatch");
  BOOST_TEST(run.ref == "refs/heads/master");
  BOOST_TEST(run.repository == "octo-org/octo-repo");
  BOOST_TEST(run.commit == RUN_SHA);
  BOOST_TEST(run.note.empty());
  // workflow.path, workflow.name and workflow_run.path; workflow_run.name is empty there.
  BOOST_TEST(run.workflows == (std::vector<std::string>{".github/workflows/test.yml", "test",
                                                        ".github/workflows/test.yml"}));
}

BOOST_AUTO_TEST_CASE(a_requested_run_has_no_conclusion) {
  // The fixture as GitHub sends it when the run is requested: conclusion null.
  std::string body = Replaced(ReadFixture(RUN_FIXTURE), "\"action\": \"completed\"", "\"action\": \"requested\"");
  body = Replaced(body, "\"conclusion\": \"success\"", "\"conclusion\": null");
  EventResult result = ParseGitHubEvent("workflow_run", body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.action == "requested");
  BOOST_TEST(result.event.conclusion.empty());
}

BOOST_AUTO_TEST_CASE(treats_a_head_sha_that_is_not_a_commit_id_as_absent) {
  for (std::string_view bad : {"3484a3fb", "3484a3fb816e0859fd6e1cea078d76385ff5062g",
                               "3484a3fb816e0859fd6e1cea078d76385ff50625 ", ""}) {
    BOOST_TEST_CONTEXT(bad) {
      std::string body = Replaced(ReadFixture(RUN_FIXTURE),
                                  "\"head_sha\": \"" + std::string(RUN_SHA) + "\"",
                                  "\"head_sha\": \"" + std::string(bad) + "\"");
      EventResult result = ParseGitHubEvent("workflow_run", body);
      BOOST_TEST_REQUIRE(result.ok, result.error);
      BOOST_TEST(result.event.commit.empty());
      BOOST_TEST(!result.event.note.empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_a_workflow_run_missing_required_fields) {
  const std::string body = ReadFixture(RUN_FIXTURE);
  for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"\"head_sha\"", "\"head_sha_\""},
                          {"\"event\": \"repository_dispatch\"", "\"event\": 7"},
                          {"\"action\": \"completed\"", "\"action\": null"},
                          {"\"workflow_run\": {", "\"workflow_run_\": {"},
                          {"\"conclusion\": \"success\"", "\"conclusion\": true"},
                          {"\"head_branch\": \"master\"", "\"head_branch\": []"}}) {
    BOOST_TEST_CONTEXT(from) {
      EventResult result = ParseGitHubEvent("workflow_run", Replaced(body, from, to));
      BOOST_TEST(!result.ok);
      BOOST_TEST(!result.error.empty());
    }
  }
  BOOST_TEST(!ParseGitHubEvent("workflow_run", R"({"action": "completed"})").ok);
}

BOOST_AUTO_TEST_CASE(reads_a_published_container_package_and_its_revision_label) {
  EventResult result = ParseGitHubEvent("registry_package", ReadFixture(PACKAGE_FIXTURE));
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.kind == EventKind::PackagePublished);
  BOOST_TEST(result.event.action == "published");
  BOOST_TEST(result.event.package == "hello-world-npm");
  BOOST_TEST(result.event.repository == "Codertocat/hello-world-npm");
  BOOST_TEST(result.event.commit == LABEL_SHA);
}

BOOST_AUTO_TEST_CASE(reads_the_package_event_under_its_own_key) {
  // The same payload as the older "package" event sends it.
  std::string body = Replaced(ReadFixture(PACKAGE_FIXTURE), "\"registry_package\":", "\"package\":");
  EventResult result = ParseGitHubEvent("package", body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.package == "hello-world-npm");
  BOOST_TEST(result.event.commit == LABEL_SHA);
  BOOST_TEST(!ParseGitHubEvent("registry_package", body).ok);
}

BOOST_AUTO_TEST_CASE(a_package_without_a_valid_revision_label_has_no_commit) {
  std::string label = "\"org.opencontainers.image.revision\": \"" + std::string(LABEL_SHA) + "\"";
  std::string malformed = Replaced(ReadFixture(PACKAGE_FIXTURE), label,
                                   "\"org.opencontainers.image.revision\": \"v1.2.3\"");
  EventResult result = ParseGitHubEvent("registry_package", malformed);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.commit.empty());
  BOOST_TEST(!result.event.note.empty());

  std::string absent = Replaced(ReadFixture(PACKAGE_FIXTURE), label, "\"x\": \"y\"");
  result = ParseGitHubEvent("registry_package", absent);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.commit.empty());
  BOOST_TEST(result.event.note.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
