// The request path after the head checks, with a recording JobSink and a real DeliveryMemory.

#include <simdjson.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

#include "state/delivery_memory.hpp"
#include "util/sha256.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::Request;
using testing::HandlerBench;
using testing::MakeTarget;
using testing::ReadFixture;
using testing::SignedPush;

constexpr std::string_view SECRET = "web-secret";
// github/push/woodpecker-push.json pushes this commit to woodpecker-ci/woodpecker's main.
constexpr std::string_view PUSH_FIXTURE = "github/push/woodpecker-push.json";
constexpr std::string_view PUSHED = "366701fde727cb7a9e7f21eb88264f59f6f9b89c";

// A bench with one target, "web", deploying the fixture's repository and branch.
struct WebBench : HandlerBench {
  WebBench() : HandlerBench({MakeTarget("web", "woodpecker-ci/woodpecker", "main", std::string(SECRET))}) {}
};

// A bench with two targets on the fixture's repository and branch, each with its own secret.
struct TwoSecretsBench : HandlerBench {
  TwoSecretsBench()
      : HandlerBench({MakeTarget("web", "woodpecker-ci/woodpecker", "main", "web-secret"),
                      MakeTarget("worker", "woodpecker-ci/woodpecker", "main", "worker-secret")}) {}
};

Request FixturePush() { return SignedPush(ReadFixture(PUSH_FIXTURE), SECRET); }

// One real push of each forge, and the target it deploys.
struct ForgePush {
  Forge forge;
  std::string_view event;
  std::string_view file;
  std::string_view repository;
  std::string_view branch;
  std::string_view commit;
};

std::ostream& operator<<(std::ostream& out, const ForgePush& push) { return out << push.forge; }

const ForgePush FORGE_PUSHES[] = {
    {Forge::GitHub, "push", PUSH_FIXTURE, "woodpecker-ci/woodpecker", "main", PUSHED},
    {Forge::Gitea, "push", "gitea/push/woodpecker-push.json", "gordon/hello-world", "main",
     "ef98532add3b2feb7a137426bba1248724367df5"},
    {Forge::Forgejo, "push", "forgejo/push/woodpecker-push.json", "gordon/hello-world", "main",
     "ef98532add3b2feb7a137426bba1248724367df5"},
    {Forge::Gogs, "push", "gogs/push/gogs-issue-4233-signed.json", "Treeminder/portal", "master",
     "68885af8c4e894ea05889e854486f022b6cb3fb2"},
    {Forge::GitLab, "Push Hook", "gitlab/push/woodpecker-push.json", "test/woodpecker", "main",
     "16862e368d8ab812e48833b741dad720d6e2cb7f"},
    {Forge::Bitbucket, "repo:push", "bitbucket/push/goplayground-repo-push.json",
     "team_name/repo_name", "name-of-branch", "709d658dc5b6d6afcd46049c2f332ee3f515a67d"},
};

// A target of `push`'s forge on its repository and branch, with `secret`.
Target ForgeTarget(const ForgePush& push, std::string name = "app",
                   std::string_view secret = SECRET) {
  Target target = MakeTarget(std::move(name), std::string(push.repository),
                             std::string(push.branch), std::string(secret));
  target.forge = push.forge;
  return target;
}

Request ForgeRequest(const ForgePush& push, std::string_view secret = SECRET) {
  return testing::ForgeDelivery(push.forge, std::string(push.event), ReadFixture(push.file), secret);
}

// The response body's string field `key`; fails the test when it is not there.
std::string Field(const Response& response, std::string_view key) {
  simdjson::dom::parser parser;
  std::string_view value;
  auto error = parser.parse(response.body)[key].get_string().get(value);
  BOOST_TEST(!error, "no string \"" << key << "\" in " << response.body);
  return std::string(value);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(handler)

BOOST_FIXTURE_TEST_CASE(queues_push_and_answers_202_with_target_after_delivery_and_id, WebBench) {
  Request delivery = FixturePush();
  Response response = Post(delivery);
  BOOST_TEST(response.status == 202);
  BOOST_TEST(Field(response, "status") == "queued");
  BOOST_TEST(Field(response, "target") == "web");
  BOOST_TEST(Field(response, "after") == PUSHED);
  BOOST_TEST(Field(response, "delivery") == delivery.delivery);

  BOOST_TEST_REQUIRE(sink.jobs.size() == 1u);
  const Job& job = sink.jobs[0];
  BOOST_TEST(Field(response, "id") == job.id);
  BOOST_TEST(job.target == "web");
  BOOST_TEST(job.delivery == delivery.delivery);
  BOOST_TEST(job.repository == "woodpecker-ci/woodpecker");
  BOOST_TEST(job.ref == "refs/heads/main");
  BOOST_TEST(job.after == PUSHED);
  BOOST_TEST(job.body_sha256 == Sha256Hex(delivery.body));
  BOOST_TEST(!job.queued_at.empty());
}

BOOST_FIXTURE_TEST_CASE(answers_duplicate_for_the_same_body_and_queues_nothing_more, WebBench) {
  BOOST_TEST(Post(FixturePush()).status == 202);
  // GitHub's manual redelivery keeps the body (and the delivery id); a new id changes nothing.
  Request again = FixturePush();
  again.delivery = "a-redelivery";
  Response response = Post(again);
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "{\"status\":\"duplicate\"}\n");
  BOOST_TEST(sink.jobs.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(answers_503_when_the_job_cannot_be_stored_and_releases_the_claim, WebBench) {
  sink.refuse = true;
  Response refused = Post(FixturePush());
  BOOST_TEST(refused.status == 503);
  BOOST_TEST(refused.body == "{\"status\":\"unavailable\"}\n");
  BOOST_TEST(sink.jobs.empty());

  // GitHub does not retry by itself, but a redelivery once the disk has room must queue.
  sink.refuse = false;
  Response retried = Post(FixturePush());
  BOOST_TEST(retried.status == 202);
  BOOST_TEST(sink.jobs.size() == 1u);
}

BOOST_FIXTURE_TEST_CASE(queues_redelivery_whose_earlier_run_failed, WebBench) {
  Request delivery = FixturePush();
  BOOST_TEST(Post(delivery).status == 202);
  memory.Forget(DeliveryKey(Sha256Hex(delivery.body), "web"));  // as the runner does on failure
  BOOST_TEST(Post(delivery).status == 202);
  BOOST_TEST(sink.jobs.size() == 2u);
}

BOOST_FIXTURE_TEST_CASE(answers_bad_signature_with_401_and_nothing_more, WebBench) {
  std::string body = ReadFixture(PUSH_FIXTURE);
  std::string right = testing::Sign(SECRET, body);
  const std::optional<std::string> signatures[] = {
      std::nullopt,                         // missing
      right.substr(7),                      // without the sha256= prefix
      testing::Sign("wrong-secret", body),  // another secret
      testing::Sign(SECRET, body + " "),    // another body
  };
  for (const std::optional<std::string>& signature : signatures) {
    BOOST_TEST_CONTEXT(signature.value_or("(none)")) {
      Request delivery = FixturePush();
      delivery.signature = signature;
      Response response = Post(delivery);
      BOOST_TEST(response.status == 401);
      BOOST_TEST(response.body == "{\"status\":\"invalid_signature\"}\n");
      BOOST_TEST(response.headers.empty());
    }
  }
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(verifies_the_raw_form_body_before_decoding_it, WebBench) {
  // An unsigned form body that does not even decode: the answer is still about the signature.
  Request broken;
  broken.body = "payload=%7&payload=%zz";
  broken.content_type = "application/x-www-form-urlencoded";
  broken.content_length = std::to_string(broken.body.size());
  broken.signature = testing::Sign("wrong-secret", broken.body);
  BOOST_TEST(Post(broken).status == 401);

  // Signed over the decoded JSON instead of the raw form body: rejected.
  std::string json = ReadFixture(PUSH_FIXTURE);
  Request form = SignedPush("payload=" + testing::FormEncode(json), SECRET);
  form.content_type = "application/x-www-form-urlencoded";
  form.signature = testing::Sign(SECRET, json);
  BOOST_TEST(Post(form).status == 401);
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(queues_form_push_signed_over_the_raw_body, WebBench) {
  Request form = SignedPush("payload=" + testing::FormEncode(ReadFixture(PUSH_FIXTURE)), SECRET);
  form.content_type = "application/x-www-form-urlencoded";
  Response response = Post(form);
  BOOST_TEST(response.status == 202);
  BOOST_TEST(Field(response, "after") == PUSHED);
  BOOST_TEST_REQUIRE(sink.jobs.size() == 1u);
  BOOST_TEST(sink.jobs[0].body_sha256 == Sha256Hex(form.body));
}

BOOST_FIXTURE_TEST_CASE(rejects_signed_form_without_payload_field, WebBench) {
  Request form = SignedPush("payloads=" + testing::FormEncode(ReadFixture(PUSH_FIXTURE)), SECRET);
  form.content_type = "application/x-www-form-urlencoded";
  Response response = Post(form);
  BOOST_TEST(response.status == 400);
  BOOST_TEST(response.body == "{\"status\":\"bad_payload\"}\n");
}

BOOST_FIXTURE_TEST_CASE(answers_400_when_the_body_is_shorter_than_announced, WebBench) {
  // The client went away mid-body: even a body whose bytes are signed is not processed.
  Request delivery = FixturePush();
  delivery.content_length = std::to_string(delivery.body.size() + 1);
  Response response = Post(delivery);
  BOOST_TEST(response.status == 400);
  BOOST_TEST(response.body == "{\"status\":\"bad_request\"}\n");
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(answers_signed_ping_with_pong, WebBench) {
  Request ping = SignedPush(ReadFixture("github/ping/octokit-ping-repo.json"), SECRET);
  ping.event = "ping";
  Response response = Post(ping);
  BOOST_TEST(response.status == 200);
  BOOST_TEST(response.body == "{\"status\":\"pong\"}\n");
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(ignores_signed_event_other_than_push_with_reason, WebBench) {
  Request release = SignedPush(ReadFixture("github/release/octokit-published.json"), SECRET);
  release.event = "release";
  Response response = Post(release);
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "status") == "ignored");
  BOOST_TEST(Field(response, "reason") == "event is not push");
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(ignores_signed_push_that_deletes_a_ref, WebBench) {
  Response response = Post(SignedPush(ReadFixture("github/push/octokit-tag-deleted.json"), SECRET));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "status") == "ignored");
  BOOST_TEST(Field(response, "reason") == "push deletes the ref");
  BOOST_TEST(sink.jobs.empty());
}

BOOST_AUTO_TEST_CASE(ignores_signed_push_to_another_branch) {
  HandlerBench bench({MakeTarget("web", "woodpecker-ci/woodpecker", "production", std::string(SECRET))});
  Response response = bench.Post(FixturePush());
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "branch is not a deploy branch");
  BOOST_TEST(bench.sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(rejects_signed_body_that_is_not_a_push_payload, WebBench) {
  // GitLab's push body: valid JSON, but no repository.full_name.
  Response response = Post(SignedPush(ReadFixture("gitlab/push/gogitlab-push.json"), SECRET));
  BOOST_TEST(response.status == 400);
  BOOST_TEST(response.body == "{\"status\":\"bad_payload\"}\n");
  // Not JSON at all, for an event that is not a push.
  Request ping = SignedPush("{\"zen\": ", SECRET);
  ping.event = "ping";
  BOOST_TEST(Post(ping).status == 400);
}

BOOST_AUTO_TEST_CASE(queues_every_target_of_a_push_and_lists_them) {
  HandlerBench bench({MakeTarget("web", "woodpecker-ci/woodpecker", "main", std::string(SECRET)),
                      MakeTarget("worker", "Woodpecker-CI/Woodpecker", "main", std::string(SECRET))});
  Response response = bench.Post(FixturePush());
  BOOST_TEST(response.status == 202);
  BOOST_TEST_REQUIRE(bench.sink.jobs.size() == 2u);
  BOOST_TEST(bench.sink.jobs[0].target == "web");
  BOOST_TEST(bench.sink.jobs[1].target == "worker");
  BOOST_TEST(bench.sink.jobs[0].id != bench.sink.jobs[1].id);

  simdjson::dom::parser parser;
  simdjson::dom::array listed;
  BOOST_TEST_REQUIRE(!parser.parse(response.body)["targets"].get_array().get(listed));
  BOOST_TEST_REQUIRE(listed.size() == 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    BOOST_TEST(std::string_view(listed.at(i)["target"]) == bench.sink.jobs[i].target);
    BOOST_TEST(std::string_view(listed.at(i)["id"]) == bench.sink.jobs[i].id);
  }
}

BOOST_FIXTURE_TEST_CASE(queues_only_the_target_whose_secret_signed, TwoSecretsBench) {
  Response response = Post(SignedPush(ReadFixture(PUSH_FIXTURE), "worker-secret"));
  BOOST_TEST(response.status == 202);
  BOOST_TEST(Field(response, "target") == "worker");
  BOOST_TEST_REQUIRE(sink.jobs.size() == 1u);
  BOOST_TEST(sink.jobs[0].target == "worker");
}

// Two webhooks on one repository, each with its target's secret, send the same body.
BOOST_FIXTURE_TEST_CASE(same_body_signed_by_each_hook_queues_each_target_once, TwoSecretsBench) {
  std::string body = ReadFixture(PUSH_FIXTURE);
  BOOST_TEST(Post(SignedPush(body, "web-secret")).status == 202);
  Response second_hook = Post(SignedPush(body, "worker-secret"));
  BOOST_TEST(second_hook.status == 202);
  BOOST_TEST(Field(second_hook, "target") == "worker");
  BOOST_TEST(Post(SignedPush(body, "worker-secret")).status == 200);  // a real duplicate
  BOOST_TEST_REQUIRE(sink.jobs.size() == 2u);
  BOOST_TEST(sink.jobs[0].target == "web");
  BOOST_TEST(sink.jobs[1].target == "worker");
}

BOOST_FIXTURE_TEST_CASE(answers_head_rejections_before_the_body, WebBench) {
  Request get = FixturePush();
  get.method = "GET";
  Response response = Post(get);
  BOOST_TEST(response.status == 405);
  BOOST_TEST(response.headers.size() == 1u);
  BOOST_TEST(log.Contains("decision=method_not_allowed"));
}

BOOST_FIXTURE_TEST_CASE(cuts_overlong_delivery_id, WebBench) {
  Request delivery = FixturePush();
  delivery.delivery = std::string(1000, 'd');
  BOOST_TEST(Post(delivery).status == 202);
  BOOST_TEST_REQUIRE(sink.jobs.size() == 1u);
  BOOST_TEST(sink.jobs[0].delivery == std::string(128, 'd'));
}

namespace data = boost::unit_test::data;

BOOST_DATA_TEST_CASE(queues_each_forges_real_push_with_its_commit_and_delivery_id,
                     data::make(FORGE_PUSHES), push) {
  HandlerBench bench({ForgeTarget(push)});
  Request request = ForgeRequest(push);
  Response response = bench.Post(request);
  BOOST_TEST(response.status == 202, response.body);
  BOOST_TEST_REQUIRE(bench.sink.jobs.size() == 1u);
  BOOST_TEST(bench.sink.jobs[0].after == push.commit);
  BOOST_TEST(bench.sink.jobs[0].ref == "refs/heads/" + std::string(push.branch));
  BOOST_TEST(bench.sink.jobs[0].delivery == request.delivery);
  BOOST_TEST(bench.log.Contains("forge=" + std::string(ForgeName(push.forge))));
}

BOOST_DATA_TEST_CASE(ignores_each_forges_push_to_another_branch, data::make(FORGE_PUSHES), push) {
  Target target = ForgeTarget(push);
  target.branch = "production";
  HandlerBench bench({target});
  Response response = bench.Post(ForgeRequest(push));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "branch is not a deploy branch");
  BOOST_TEST(bench.sink.jobs.empty());
}

BOOST_DATA_TEST_CASE(rejects_each_forges_delivery_with_a_wrong_proof, data::make(FORGE_PUSHES), push) {
  HandlerBench bench({ForgeTarget(push)});
  Response response = bench.Post(ForgeRequest(push, "not-the-secret"));
  BOOST_TEST(response.status == 401);
  BOOST_TEST(response.body == "{\"status\":\"invalid_signature\"}\n");
  BOOST_TEST(bench.sink.jobs.empty());
}

// The same secret on a target of another forge: the delivery is proved under its own forge's
// scheme, and no target of that forge exists.
BOOST_DATA_TEST_CASE(never_deploys_a_target_of_another_forge, data::make(FORGE_PUSHES), push) {
  for (const ForgePush& other : FORGE_PUSHES) {
    if (other.forge == push.forge) continue;
    Target target = ForgeTarget(push);
    target.forge = other.forge;
    HandlerBench bench({target});
    BOOST_TEST_CONTEXT(other.forge) {
      BOOST_TEST(bench.Post(ForgeRequest(push)).status == 401);
      BOOST_TEST(bench.sink.jobs.empty());
      BOOST_TEST(bench.log.Contains("no target of this forge"));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_gitlab_token_equal_to_a_github_targets_secret_deploys_nothing) {
  const ForgePush& gitlab = FORGE_PUSHES[4];
  BOOST_TEST_REQUIRE(gitlab.forge == Forge::GitLab);
  // A GitHub target on the GitLab payload's repository and branch, and a GitLab target elsewhere.
  Target github = ForgeTarget(gitlab, "github-app", "shared-secret");
  github.forge = Forge::GitHub;
  Target other = MakeTarget("gitlab-other", "someone/else", "main", "gitlab-secret");
  other.forge = Forge::GitLab;
  HandlerBench bench({github, other});
  Response response = bench.Post(ForgeRequest(gitlab, "shared-secret"));
  BOOST_TEST(response.status == 401);
  BOOST_TEST(bench.sink.jobs.empty());
}

BOOST_AUTO_TEST_CASE(ignores_gitlab_tag_push_and_gitea_create_events) {
  ForgePush tag = {Forge::GitLab, "Tag Push Hook", "gitlab/tag_push/woodpecker-tag.json",
                   "test/woodpecker", "main", ""};
  HandlerBench bench({ForgeTarget(tag)});
  Response response = bench.Post(ForgeRequest(tag));
  BOOST_TEST(Field(response, "reason") == "push is a tag");

  ForgePush create = {Forge::Gitea, "create", "gitea/create/woodpecker-tag.json", "gordon/hello-world", "main", ""};
  HandlerBench gitea({ForgeTarget(create)});
  response = gitea.Post(ForgeRequest(create));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "event is not push");
}

BOOST_AUTO_TEST_CASE(ignores_bitbucket_server_branch_deletion_and_answers_its_ping) {
  ForgePush deletion = {Forge::BitbucketServer, "repo:refs_changed",
                        "bitbucket-server/push/goplayground-refs-changed.json", "~gopher/webhook-test",
                        "feature/wip", ""};
  HandlerBench bench({ForgeTarget(deletion)});
  Response response = bench.Post(ForgeRequest(deletion));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "push deletes the ref");
  response = bench.Post(
      testing::ForgeDelivery(Forge::BitbucketServer, "diagnostics:ping", "{\"test\": true}", SECRET));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "status") == "pong");
  BOOST_TEST(bench.sink.jobs.empty());
}

BOOST_AUTO_TEST_CASE(queues_main_from_a_bitbucket_push_that_updates_feature_first) {
  // Derived fixtures (see PROVENANCE.md): one push updating `feature`, then `main`.
  const ForgePush pushes[] = {
      {Forge::Bitbucket, "repo:push", "bitbucket/push/derived-two-changes-feature-then-main.json",
       "team_name/repo_name", "main", "03f4a7270240708834de475bcf21532d6134777e"},
      {Forge::BitbucketServer, "repo:refs_changed",
       "bitbucket-server/push/derived-two-changes-feature-then-main.json", "~gopher/webhook-test",
       "main", "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c"},
  };
  for (const ForgePush& push : pushes) {
    BOOST_TEST_CONTEXT(push) {
      HandlerBench bench({ForgeTarget(push)});
      Response response = bench.Post(ForgeRequest(push));
      BOOST_TEST(response.status == 202, response.body);
      BOOST_TEST(Field(response, "after") == push.commit);
      BOOST_TEST_REQUIRE(bench.sink.jobs.size() == 1u);
      BOOST_TEST(bench.sink.jobs[0].ref == "refs/heads/main");
      BOOST_TEST(bench.sink.jobs[0].after == push.commit);
    }
  }
}

// workflow_run and registry_package deliveries through the handler, from the octokit examples.
struct TriggerBench : HandlerBench {
  static Target RunTarget() {
    Target target = MakeTarget("web", "octo-org/octo-repo", "master", std::string(SECRET));
    target.trigger = Trigger::WorkflowRun;
    return target;
  }
  TriggerBench() : HandlerBench({RunTarget()}) {}

  // The octokit completed run, started by a push (the example's run came from a dispatch).
  static std::string PushRun() {
    std::string body = ReadFixture("github/workflow_run/octokit-completed.json");
    const std::string_view cause = "\"event\": \"repository_dispatch\"";
    body.replace(body.find(cause), cause.size(), "\"event\": \"push\"");
    return body;
  }

  Response PostRun(std::string body) {
    Request run = SignedPush(std::move(body), SECRET);
    run.event = "workflow_run";
    return Post(run);
  }
};

BOOST_FIXTURE_TEST_CASE(queues_workflow_run_target_at_the_runs_head_sha, TriggerBench) {
  Response response = PostRun(PushRun());
  BOOST_TEST(response.status == 202, response.body);
  BOOST_TEST(Field(response, "after") == "3484a3fb816e0859fd6e1cea078d76385ff50625");
  BOOST_TEST_REQUIRE(sink.jobs.size() == 1u);
  BOOST_TEST(sink.jobs[0].after == "3484a3fb816e0859fd6e1cea078d76385ff50625");
  BOOST_TEST(sink.jobs[0].ref == "refs/heads/master");
}

BOOST_FIXTURE_TEST_CASE(ignores_the_real_dispatch_run_and_rejects_a_run_without_head_sha, TriggerBench) {
  Response response = PostRun(ReadFixture("github/workflow_run/octokit-completed.json"));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "workflow run was started by repository_dispatch, not push");
  std::string body = PushRun();
  body.replace(body.find("\"head_sha\""), 10, "\"head_shx\"");
  BOOST_TEST(PostRun(body).status == 400);
  BOOST_TEST(sink.jobs.empty());
}

BOOST_FIXTURE_TEST_CASE(ignores_a_push_to_a_target_that_waits_for_its_workflow, TriggerBench) {
  std::string body = ReadFixture(PUSH_FIXTURE);
  body.replace(body.find("woodpecker-ci/woodpecker"), 24, "octo-org/octo-repo");
  body.replace(body.find("refs/heads/main"), 15, "refs/heads/master");
  Response response = Post(SignedPush(body, SECRET));
  BOOST_TEST(response.status == 200);
  BOOST_TEST(Field(response, "reason") == "target web deploys when its workflow run succeeds, not on push");
}

BOOST_AUTO_TEST_CASE(queues_package_target_at_the_revision_label) {
  Target target = MakeTarget("web", "Codertocat/hello-world-npm", "master", std::string(SECRET));
  target.trigger = Trigger::Package;
  target.package = "hello-world-npm";
  HandlerBench bench({target});
  Request published = SignedPush(
      ReadFixture("github/registry_package/octokit-published-docker-abridged.json"), SECRET);
  published.event = "registry_package";
  Response response = bench.Post(published);
  BOOST_TEST(response.status == 202, response.body);
  BOOST_TEST_REQUIRE(bench.sink.jobs.size() == 1u);
  BOOST_TEST(bench.sink.jobs[0].after == "6c62fb45fe66bfb1ea9a66abc38f6a0cc974292b");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
