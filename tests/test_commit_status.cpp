// Commit status requests: each forge's path, state names and token header.

#include <boost/test/unit_test.hpp>

#include "notify/commit_status.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SHA = "4e1f2a3bcccccccccccccccccccccccccccccccc";

Target StatusTarget(Forge forge, std::string api) {
  Target target = testing::MakeTarget("web", "octo/app", "main");
  target.forge = forge;
  target.status = CommitStatusSettings{"t0ken", std::move(api), "deployhook/web"};
  return target;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(commit_status)

BOOST_AUTO_TEST_CASE(github_goes_pending_then_success_failure_or_error) {
  Target target = StatusTarget(Forge::GitHub, "https://api.github.com");
  StatusPost started = CommitStatusPost(target, SHA, NotifyEvent::Started);
  BOOST_TEST(started.url == "https://api.github.com/repos/octo/app/statuses/" + std::string(SHA));
  BOOST_TEST(started.body ==
             R"({"state":"pending","context":"deployhook/web","description":"deploy started"})");
  BOOST_TEST(CommitStatusPost(target, SHA, NotifyEvent::Succeeded).body ==
             R"({"state":"success","context":"deployhook/web","description":"deploy succeeded"})");
  BOOST_TEST(CommitStatusPost(target, SHA, NotifyEvent::RolledBack).body ==
             R"({"state":"failure","context":"deployhook/web","description":"deploy rolled_back"})");
  BOOST_TEST(CommitStatusPost(target, SHA, NotifyEvent::RollbackFailed).body ==
             R"({"state":"error","context":"deployhook/web","description":"deploy rollback_failed"})");
  BOOST_TEST((StatusAuthHeader(Forge::GitHub, "t0ken") ==
              std::pair<std::string, std::string>{"Authorization", "Bearer t0ken"}));
}

BOOST_AUTO_TEST_CASE(gitea_and_forgejo_use_the_github_shape_under_api_v1) {
  for (Forge forge : {Forge::Gitea, Forge::Forgejo}) {
    StatusPost post = CommitStatusPost(StatusTarget(forge, "https://git.example"), SHA, NotifyEvent::Failed);
    BOOST_TEST(post.url == "https://git.example/api/v1/repos/octo/app/statuses/" + std::string(SHA));
    BOOST_TEST(post.body ==
               R"({"state":"failure","context":"deployhook/web","description":"deploy failed"})");
    BOOST_TEST(StatusAuthHeader(forge, "t0ken").first == "Authorization");
  }
}

BOOST_AUTO_TEST_CASE(gitlab_goes_running_then_success_or_failed_with_its_token_header) {
  Target target = StatusTarget(Forge::GitLab, "https://gitlab.example");
  target.repository = "group/sub.app";
  StatusPost started = CommitStatusPost(target, SHA, NotifyEvent::Started);
  BOOST_TEST(started.url ==
             "https://gitlab.example/api/v4/projects/group%2Fsub.app/statuses/" + std::string(SHA));
  BOOST_TEST(started.body ==
             R"({"state":"running","name":"deployhook/web","description":"deploy started"})");
  BOOST_TEST(CommitStatusPost(target, SHA, NotifyEvent::Unchanged).body ==
             R"({"state":"success","name":"deployhook/web","description":"deploy unchanged"})");
  BOOST_TEST(CommitStatusPost(target, SHA, NotifyEvent::TimedOut).body ==
             R"({"state":"failed","name":"deployhook/web","description":"deploy timed_out"})");
  BOOST_TEST((StatusAuthHeader(Forge::GitLab, "t0ken") ==
              std::pair<std::string, std::string>{"PRIVATE-TOKEN", "t0ken"}));
}

// A sha that would climb out of the URL's path (the parsers refuse such pushes; this is the
// second wall) and repository names with characters a path gives meaning to.
BOOST_AUTO_TEST_CASE(percent_encodes_every_part_of_the_path) {
  constexpr std::string_view CLIMBING = "../../../../user/repos";
  Target github = StatusTarget(Forge::GitHub, "https://api.github.com");
  BOOST_TEST(CommitStatusPost(github, CLIMBING, NotifyEvent::Started).url ==
             "https://api.github.com/repos/octo/app/statuses/..%2F..%2F..%2F..%2Fuser%2Frepos");
  github.repository = "o?x=1#/..";
  BOOST_TEST(CommitStatusPost(github, SHA, NotifyEvent::Started).url ==
             "https://api.github.com/repos/o%3Fx%3D1%23/%2E%2E/statuses/" + std::string(SHA));
  Target gitea = StatusTarget(Forge::Gitea, "https://git.example");
  gitea.repository = "my org/my.app";
  BOOST_TEST(CommitStatusPost(gitea, SHA, NotifyEvent::Started).url ==
             "https://git.example/api/v1/repos/my%20org/my.app/statuses/" + std::string(SHA));
  Target gitlab = StatusTarget(Forge::GitLab, "https://gitlab.example");
  BOOST_TEST(CommitStatusPost(gitlab, CLIMBING, NotifyEvent::Started).url ==
             "https://gitlab.example/api/v4/projects/octo%2Fapp/statuses/..%2F..%2F..%2F..%2Fuser%2Frepos");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
