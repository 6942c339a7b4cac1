// Push payload parsing over real webhook bodies, then the verdict each gets.

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <ostream>
#include <set>

#include "http/decision.hpp"
#include "forge/github.hpp"
#include "forge/payload.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

namespace data = boost::unit_test::data;
using testing::FixturePath;
using testing::ReadFixture;

constexpr std::string_view ZEROS = "0000000000000000000000000000000000000000";

struct PushFixture {
  std::string_view file;
  std::string_view ref;
  std::string_view repository;
  std::string_view after;
  bool deleted;
  std::string_view deploy_branch;  // the branch the configured target deploys
  Verdict verdict;
  std::string_view reason;  // for Ignored
};

std::ostream& operator<<(std::ostream& out, const PushFixture& fixture) { return out << fixture.file; }

// Every push fixture from GitHub and the forges that send GitHub-compatible push bodies.
const PushFixture PUSH_FIXTURES[] = {
    {"github/push/goplayground-push.json", "refs/heads/master", "binkkatal/sample_app",
     "fd489864e7642b48eaad6e3f155c10e46810ec72", false, "master", Verdict::Deploy, ""},
    {"github/push/octokit-new-branch.json", "refs/heads/master", "Codertocat/Hello-World",
     "6113728f27ae82c7b1a177c8d03f9e96e0adf246", false, "master", Verdict::Deploy, ""},
    {"github/push/octokit-no-username-committer.json", "refs/heads/master",
     "Codertocat/Hello-World", "6113728f27ae82c7b1a177c8d03f9e96e0adf246", false, "master",
     Verdict::Deploy, ""},
    {"github/push/octokit-tag-deleted-installation.json", "refs/tags/simple-tag",
     "Codertocat/Hello-World", ZEROS, true, "master", Verdict::Ignored, "push deletes the ref"},
    {"github/push/octokit-tag-deleted-org-1.json", "refs/tags/simple-tag",
     "Codertocat/Hello-World", ZEROS, true, "master", Verdict::Ignored, "push deletes the ref"},
    {"github/push/octokit-tag-deleted-org.json", "refs/tags/simple-tag", "Codertocat/Hello-World",
     ZEROS, true, "master", Verdict::Ignored, "push deletes the ref"},
    {"github/push/octokit-tag-deleted.json", "refs/tags/simple-tag", "Codertocat/Hello-World",
     ZEROS, true, "master", Verdict::Ignored, "push deletes the ref"},
    {"github/push/woodpecker-forced.json", "refs/heads/main", "6543/oxiduct",
     "f7220f1f753260bf6f1c533357c70213e9fd4abe", false, "main", Verdict::Deploy, ""},
    {"github/push/woodpecker-push.json", "refs/heads/main", "woodpecker-ci/woodpecker",
     "366701fde727cb7a9e7f21eb88264f59f6f9b89c", false, "main", Verdict::Deploy, ""},
    {"github/push/woodpecker-tag.json", "refs/tags/the-tag-v1", "6543/test_ci_tmp",
     "67012991d6c69b1c58378346fca366b864d8d1a1", false, "main", Verdict::Ignored,
     "push is a tag"},
    // Gitea and Forgejo send the same push body (without "deleted").
    {"gitea/push/goplayground-push.json", "refs/heads/master", "example/example",
     "67b56589a45103f891bdee7c0546e5d40bc02001", false, "master", Verdict::Deploy, ""},
    {"gitea/push/woodpecker-multi.json", "refs/heads/main", "Test-CI/multi-line-secrets",
     "29be01c073851cf0db0c6a466e396b725a670453", false, "main", Verdict::Deploy, ""},
    {"gitea/push/woodpecker-new-branch.json", "refs/heads/fdsafdsa", "meisam/woodpecktester",
     "28c3613ae62640216bea5e7dc71aa65356e4298b", false, "main", Verdict::Ignored,
     "branch is not a deploy branch"},
    {"gitea/push/woodpecker-push.json", "refs/heads/main", "gordon/hello-world",
     "ef98532add3b2feb7a137426bba1248724367df5", false, "main", Verdict::Deploy, ""},
    {"forgejo/push/forgejo-docs-example.json", "refs/heads/develop", "forgejo/webhooks",
     "bffeb74224043ba2feb48d137756c8a9331c449a", false, "develop", Verdict::Deploy, ""},
    {"forgejo/push/woodpecker-push.json", "refs/heads/main", "gordon/hello-world",
     "ef98532add3b2feb7a137426bba1248724367df5", false, "main", Verdict::Deploy, ""},
};

// Real push bodies that lack repository.full_name, so deployhook cannot match them.
const std::string_view PUSH_WITHOUT_FULL_NAME[] = {
    "github/push/adnanh-tab-indented.json",  // 2013-era payload: repository has only "name"
    "gitlab/push/gogitlab-push.json",        // GitLab: project.path_with_namespace instead
    "gitlab/push/woodpecker-push.json",
    "gitlab/system_push/goplayground-system-push.json",
    "gitlab/tag_push/gogitlab-tag-push.json",
    "gitlab/tag_push/woodpecker-tag.json",
};

struct EventFixture {
  std::string_view file;
  std::string_view event;
  Verdict verdict;
};

std::ostream& operator<<(std::ostream& out, const EventFixture& fixture) { return out << fixture.file; }

const EventFixture OTHER_EVENTS[] = {
    {"github/ping/goplayground-ping.json", "ping", Verdict::Pong},
    {"github/ping/octokit-ping-app.json", "ping", Verdict::Pong},
    {"github/ping/octokit-ping-org.json", "ping", Verdict::Pong},
    {"github/ping/octokit-ping-repo.json", "ping", Verdict::Pong},
    {"github/create/octokit-tag-created.json", "create", Verdict::Ignored},
    {"github/delete/octokit-tag-deleted.json", "delete", Verdict::Ignored},
    {"github/release/octokit-published.json", "release", Verdict::Ignored},
    {"github/pull_request/octokit-opened.json", "pull_request", Verdict::Ignored},
};

EventResult ParsePush(std::string_view json) { return ParseGitHubStylePush("push", json); }

bool Rejected(std::string_view json) {
  EventResult result = ParsePush(json);
  return !result.ok && !result.error.empty();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(payload)

BOOST_DATA_TEST_CASE(parses_push_fixture_and_decides_it, data::make(PUSH_FIXTURES), fixture) {
  EventResult result = ParsePush(ReadFixture(fixture.file));
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.error.empty());
  BOOST_TEST((result.event.kind == EventKind::Push));
  BOOST_TEST(result.event.repository == fixture.repository);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].ref == fixture.ref);
  BOOST_TEST(result.event.changes[0].commit == fixture.after);
  BOOST_TEST(result.event.changes[0].deleted == fixture.deleted);

  std::vector<Target> targets = {
      testing::MakeTarget("app", std::string(fixture.repository), std::string(fixture.deploy_branch))};
  Decision decision = Decide(result.event, targets, {true});
  BOOST_TEST(decision.verdict == fixture.verdict);
  BOOST_TEST(decision.reason == fixture.reason);
  if (fixture.verdict == Verdict::Deploy) {
    BOOST_TEST_REQUIRE(decision.targets.size() == 1u);
    BOOST_TEST(decision.targets[0].index == 0u);
    BOOST_TEST(decision.targets[0].ref == fixture.ref);
    BOOST_TEST(decision.targets[0].commit == fixture.after);
  } else {
    BOOST_TEST(decision.targets.empty());
  }
}

BOOST_AUTO_TEST_CASE(table_covers_every_push_fixture) {
  std::set<std::string> listed;
  for (const PushFixture& fixture : PUSH_FIXTURES) listed.emplace(fixture.file);
  for (std::string_view file : PUSH_WITHOUT_FULL_NAME) listed.emplace(file);
  for (std::string_view forge : {"github/push", "gitea/push", "forgejo/push", "gitlab/push"}) {
    for (const auto& entry : std::filesystem::directory_iterator(FixturePath(forge))) {
      std::string file = std::string(forge) + "/" + entry.path().filename().string();
      BOOST_TEST(listed.contains(file), file << " has no expectation");
    }
  }
}

BOOST_DATA_TEST_CASE(rejects_real_push_without_repository_full_name,
                     data::make(PUSH_WITHOUT_FULL_NAME), file) {
  std::string body = ReadFixture(file);
  BOOST_TEST(CheckJsonObject(body).empty());
  EventResult result = ParsePush(body);
  BOOST_TEST(!result.ok);
  BOOST_TEST(result.error == "repository.full_name missing or not a string");
}

BOOST_DATA_TEST_CASE(accepts_other_event_and_decides_it, data::make(OTHER_EVENTS), fixture) {
  BOOST_TEST(CheckJsonObject(ReadFixture(fixture.file)) == "");
  std::vector<Target> targets = {testing::MakeTarget("app", "Codertocat/Hello-World", "master")};
  EventResult parsed = ParseGitHubEvent(fixture.event, ReadFixture(fixture.file));
  BOOST_TEST_REQUIRE(parsed.ok);
  Decision decision = Decide(parsed.event, targets, {true});
  BOOST_TEST(decision.verdict == fixture.verdict);
  BOOST_TEST(decision.targets.empty());
  if (fixture.verdict == Verdict::Ignored) BOOST_TEST(decision.reason == "event is not push");
}

BOOST_AUTO_TEST_CASE(rejects_a_push_whose_after_is_not_a_commit_id) {
  std::string push = ReadFixture("github/push/woodpecker-push.json");
  const std::string after = "\"after\": \"366701fde727cb7a9e7f21eb88264f59f6f9b89c\"";
  BOOST_TEST_REQUIRE(push.find(after) != std::string::npos);
  // A path that climbed out of the commit-status URL, a short id, a 41st digit, a non-hex
  // digit, nothing at all.
  for (std::string_view bad : {"../../../../user/repos", "366701f",
                               "366701fde727cb7a9e7f21eb88264f59f6f9b89c0",
                               "366701fde727cb7a9e7f21eb88264f59f6f9b89g", ""}) {
    BOOST_TEST_CONTEXT(bad) {
      std::string body = push;
      body.replace(body.find(after), after.size(), "\"after\": \"" + std::string(bad) + "\"");
      EventResult result = ParsePush(body);
      BOOST_TEST(!result.ok);
      BOOST_TEST(result.error == "after is not a commit id");
    }
  }
}

BOOST_AUTO_TEST_CASE(a_deletion_may_omit_its_commit) {
  EventResult result =
      ParsePush(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "deleted": true})");
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].commit.empty());
  BOOST_TEST(result.event.changes[0].deleted);
  BOOST_TEST(!ParsePush(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}})").ok);
}

// An empty view may carry a null pointer; parsing must not hand it to memcpy (UBSan).
BOOST_AUTO_TEST_CASE(rejects_empty_view_without_data) {
  BOOST_TEST(!ParsePush(std::string_view{}).ok);
  BOOST_TEST(!CheckJsonObject(std::string_view{}).empty());
}

BOOST_AUTO_TEST_CASE(rejects_malformed_json) {
  // Cut off mid-object.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"})"));
  // A trailing comma.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"},})"));
  // A second value after the object.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}} {})"));
  // Nothing at all.
  BOOST_TEST(Rejected(""));
  BOOST_TEST(!CheckJsonObject("{").empty());
}

BOOST_AUTO_TEST_CASE(rejects_json_that_is_not_an_object) {
  // An array holding a valid push.
  BOOST_TEST(Rejected(R"([{"ref": "refs/heads/main", "repository": {"full_name": "o/r"}}])"));
  BOOST_TEST(Rejected(R"("refs/heads/main")"));
  BOOST_TEST(Rejected("null"));
  BOOST_TEST(CheckJsonObject("[]") == "not a JSON object");
}

BOOST_AUTO_TEST_CASE(rejects_invalid_utf8) {
  // A string with a lone continuation byte.
  BOOST_TEST(Rejected("{\"ref\": \"refs/heads/m\x80in\", \"repository\": {\"full_name\": \"o/r\"}}"));
}

BOOST_AUTO_TEST_CASE(rejects_ref_missing_or_not_a_string) {
  // ref is a number.
  BOOST_TEST(Rejected(R"({"ref": 1, "repository": {"full_name": "o/r"}})"));
  // ref is null.
  BOOST_TEST(Rejected(R"({"ref": null, "repository": {"full_name": "o/r"}})"));
  // No ref.
  BOOST_TEST(Rejected(R"({"repository": {"full_name": "o/r"}})"));
}

BOOST_AUTO_TEST_CASE(rejects_repository_full_name_missing_or_not_a_string) {
  // full_name is a number.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": 42}})"));
  // repository has no full_name.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"name": "r"}})"));
  // repository is a string.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": "o/r"})"));
  // full_name at the top level instead of under repository.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "full_name": "o/r"})"));
}

BOOST_AUTO_TEST_CASE(rejects_after_that_is_not_a_string) {
  // after is a number.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "after": 0})"));
  // after is an object.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "after": {}})"));
}

BOOST_AUTO_TEST_CASE(rejects_deleted_that_is_not_a_boolean) {
  // deleted is the string "true".
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "deleted": "true"})"));
  // deleted is a number.
  BOOST_TEST(Rejected(R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "deleted": 1})"));
}

// Gitea and Forgejo send no "deleted"; a push without `after` is refused (see
// a_deletion_may_omit_its_commit).
BOOST_AUTO_TEST_CASE(accepts_push_without_deleted) {
  EventResult result = ParsePush(
      R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"},)"
      R"( "after": "366701fde727cb7a9e7f21eb88264f59f6f9b89c"})");
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].commit == "366701fde727cb7a9e7f21eb88264f59f6f9b89c");
  BOOST_TEST(result.event.changes[0].deleted == false);
}

BOOST_AUTO_TEST_CASE(reads_null_deleted_as_false) {
  EventResult result = ParsePush(
      R"({"ref": "refs/heads/main", "repository": {"full_name": "o/r"}, "deleted": null,)"
      R"( "after": "366701fde727cb7a9e7f21eb88264f59f6f9b89c"})");
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].deleted == false);
}

BOOST_AUTO_TEST_CASE(rejects_deeply_nested_json_without_crashing) {
  for (std::size_t depth : {2000u, 100000u}) {
    std::string arrays = "{\"ref\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
    std::string objects;
    for (std::size_t i = 0; i < depth; ++i) objects += "{\"a\":";
    objects += "1" + std::string(depth, '}');
    BOOST_TEST_CONTEXT("depth " << depth) {
      BOOST_TEST(Rejected(arrays));
      BOOST_TEST(Rejected(objects));
      BOOST_TEST(!CheckJsonObject(objects).empty());
    }
  }
}

BOOST_AUTO_TEST_CASE(parses_a_body_above_one_mebibyte) {
  // Large bodies take a parser of their own; the result must be the same.
  std::string body = ReadFixture("github/push/woodpecker-push.json");
  body.insert(1, "\"padding\": \"" + std::string(2 << 20, 'x') + "\", ");
  EventResult result = ParsePush(body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.repository == "woodpecker-ci/woodpecker");
  // And the shared parser still works afterwards.
  BOOST_TEST(ParsePush(ReadFixture("github/push/woodpecker-forced.json")).ok);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
