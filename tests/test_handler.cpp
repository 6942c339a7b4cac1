// The request path after the head checks, with a recording JobSink and a real DeliveryMemory.

#include <simdjson.h>

#include <boost/test/unit_test.hpp>

#include "delivery_memory.hpp"
#include "sha256.hpp"
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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
