// Every forge's deliveries: recognised by their headers, proved by their own scheme, and read
// from their real payloads into the one Event the decision understands.

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <ostream>

#include "forge/forge.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

namespace data = boost::unit_test::data;
using testing::ForgeDelivery;
using testing::ReadFixture;

constexpr std::string_view SECRET = "forge-secret";

struct EventFixture {
  Forge forge;
  std::string_view event;  // the forge's event header
  std::string_view file;
  EventKind kind;
  std::string_view repository;  // for Push
  std::string_view ref;
  std::string_view commit;
  bool deleted;
};

std::ostream& operator<<(std::ostream& out, const EventFixture& fixture) {
  return out << fixture.forge << " " << fixture.event << " " << fixture.file;
}

// Real deliveries of each forge and what they say.
const EventFixture EVENTS[] = {
    {Forge::GitHub, "push", "github/push/woodpecker-push.json", EventKind::Push,
     "woodpecker-ci/woodpecker", "refs/heads/main", "366701fde727cb7a9e7f21eb88264f59f6f9b89c", false},
    {Forge::Gitea, "push", "gitea/push/goplayground-push.json", EventKind::Push, "example/example",
     "refs/heads/master", "67b56589a45103f891bdee7c0546e5d40bc02001", false},
    {Forge::Forgejo, "push", "forgejo/push/woodpecker-push.json", EventKind::Push,
     "gordon/hello-world", "refs/heads/main", "ef98532add3b2feb7a137426bba1248724367df5", false},
    {Forge::Gogs, "push", "gogs/push/goplayground-push.json", EventKind::Push, "unknwon/webhooks",
     "refs/heads/develop", "bffeb74224043ba2feb48d137756c8a9331c449a", false},
    {Forge::GitLab, "Push Hook", "gitlab/push/gogitlab-push.json", EventKind::Push, "mike/diaspora",
     "refs/heads/master", "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", false},
    {Forge::GitLab, "Tag Push Hook", "gitlab/tag_push/woodpecker-tag.json", EventKind::Push,
     "test/woodpecker", "refs/tags/v22", "16862e368d8ab812e48833b741dad720d6e2cb7f", false},
    {Forge::Bitbucket, "repo:push", "bitbucket/push/goplayground-repo-push.json", EventKind::Push,
     "team_name/repo_name", "refs/heads/name-of-branch", "709d658dc5b6d6afcd46049c2f332ee3f515a67d",
     false},
    {Forge::BitbucketServer, "repo:refs_changed",
     "bitbucket-server/push/goplayground-refs-changed.json", EventKind::Push,
     "~gopher/webhook-test", "refs/heads/feature/wip", "", true},
    {Forge::Gitea, "create", "gitea/create/goplayground-branch-create.json", EventKind::Other, "", "", "", false},
    {Forge::Gitea, "delete", "gitea/delete/goplayground-branch-delete.json", EventKind::Other, "", "", "", false},
    {Forge::Forgejo, "create", "forgejo/create/woodpecker-tag.json", EventKind::Other, "", "", "", false},
    {Forge::GitLab, "System Hook", "gitlab/system_push/goplayground-system-push.json", EventKind::Other, "", "", "", false},
    {Forge::Bitbucket, "pullrequest:created", "bitbucket/pullrequest/goplayground-created.json",
     EventKind::Other, "", "", "", false},
    {Forge::BitbucketServer, "pr:opened", "bitbucket-server/pr/goplayground-opened.json",
     EventKind::Other, "", "", "", false},
    {Forge::GitHub, "ping", "github/ping/octokit-ping-repo.json", EventKind::Ping, "", "", "", false},
};

// Both Bitbucket flavours' real push payloads, turned into one push that updates `feature` and
// then `main` (see PROVENANCE.md).
struct TwoChangePush {
  Forge forge;
  std::string_view event;
  std::string_view file;
  std::string_view feature_commit;
  std::string_view main_commit;
};

std::ostream& operator<<(std::ostream& out, const TwoChangePush& push) {
  return out << push.forge << " " << push.file;
}

const TwoChangePush TWO_CHANGE_PUSHES[] = {
    {Forge::Bitbucket, "repo:push", "bitbucket/push/derived-two-changes-feature-then-main.json",
     "709d658dc5b6d6afcd46049c2f332ee3f515a67d", "03f4a7270240708834de475bcf21532d6134777e"},
    {Forge::BitbucketServer, "repo:refs_changed",
     "bitbucket-server/push/derived-two-changes-feature-then-main.json",
     "5e1c2a4f8b7d3e6c9a0b1d2e3f4a5b6c7d8e9f01", "9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c"},
};

const Forge ALL_FORGES[] = {Forge::GitHub, Forge::Gitea, Forge::Forgejo, Forge::Gogs,
                            Forge::GitLab, Forge::Bitbucket, Forge::BitbucketServer};

Delivery Read(const testing::Request& request) {
  static thread_local RequestHead head;  // the Delivery views into it
  head = request.Head();
  return ReadDelivery(head.headers);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(forge)

BOOST_DATA_TEST_CASE(recognises_each_forge_by_its_headers_and_reads_id_and_proof,
                     data::make(ALL_FORGES), forge) {
  testing::Request request = ForgeDelivery(forge, "push", "{}", SECRET);
  Delivery delivery = Read(request);
  BOOST_TEST(delivery.forge == forge);
  BOOST_TEST(delivery.event == "push");
  BOOST_TEST(delivery.id == request.delivery);
  BOOST_TEST_REQUIRE(delivery.proof.has_value());
  BOOST_TEST(*delivery.proof == ProofFor(forge, SECRET, "{}"));
}

BOOST_AUTO_TEST_CASE(forgejo_without_its_own_signature_uses_the_gitea_one) {
  testing::Request request = ForgeDelivery(Forge::Forgejo, "push", "{}", SECRET);
  std::erase_if(request.headers, [](const auto& h) { return h.first == Header::ForgejoSignature; });
  Delivery delivery = Read(request);
  BOOST_TEST(delivery.forge == Forge::Forgejo);
  BOOST_TEST(delivery.proof.value_or("") == ProofFor(Forge::Gitea, SECRET, "{}"));
}

BOOST_AUTO_TEST_CASE(a_request_without_forge_headers_is_read_as_github_without_event) {
  Delivery delivery = ReadDelivery(ForgeHeaders{});
  BOOST_TEST(delivery.forge == Forge::GitHub);
  BOOST_TEST(delivery.event.empty());
  BOOST_TEST(!delivery.proof.has_value());
}

BOOST_AUTO_TEST_CASE(names_round_trip_and_unknown_names_are_refused) {
  for (Forge forge : ALL_FORGES) BOOST_TEST((ParseForge(ForgeName(forge)) == forge));
  BOOST_TEST(!ParseForge("GitHub"));
  BOOST_TEST(!ParseForge("bitbucket_server"));
  BOOST_TEST(!ParseForge(""));
  BOOST_TEST(ProofScheme(Forge::GitLab).find("X-Gitlab-Token") != std::string_view::npos);
}

BOOST_DATA_TEST_CASE(verifies_each_forge_proof_with_its_secret_only, data::make(ALL_FORGES), forge) {
  const std::string body = ReadFixture("github/push/woodpecker-push.json");
  std::vector<std::string> secrets = {"other", std::string(SECRET)};
  SignatureResult result = VerifyProof(Read(ForgeDelivery(forge, "push", body, SECRET)), body, secrets);
  BOOST_TEST(result.check == SignatureCheck::Valid);
  BOOST_TEST(result.matched == (std::vector<bool>{false, true}));
  result = VerifyProof(Read(ForgeDelivery(forge, "push", body, "wrong")), body, secrets);
  BOOST_TEST(result.check == SignatureCheck::Mismatch);
  BOOST_TEST(result.matched == (std::vector<bool>{false, false}));
}

BOOST_AUTO_TEST_CASE(an_hmac_forge_rejects_a_proof_written_the_other_hmac_way) {
  const std::string body = "{}";
  std::vector<std::string> secrets = {std::string(SECRET)};
  // Gitea's bare hex in GitHub's header, GitHub's "sha256=" form in Gitea's.
  testing::Request github = testing::SignedPush(body, SECRET);
  github.signature = ProofFor(Forge::Gitea, SECRET, body);
  BOOST_TEST(VerifyProof(Read(github), body, secrets).check == SignatureCheck::Malformed);
  Delivery gitea{Forge::Gitea, "push", "", std::string_view(*github.signature)};
  std::string prefixed = ProofFor(Forge::GitHub, SECRET, body);
  gitea.proof = prefixed;
  BOOST_TEST(VerifyProof(gitea, body, secrets).check == SignatureCheck::Malformed);
}

BOOST_AUTO_TEST_CASE(gitlab_token_is_compared_whole) {
  std::vector<std::string> secrets = {"token-abc"};
  for (std::string_view token : {"token-ab", "token-abcd", "TOKEN-ABC", "token-abc "}) {
    Delivery delivery{Forge::GitLab, "Push Hook", "", token};
    BOOST_TEST_CONTEXT(token) {
      BOOST_TEST(VerifyProof(delivery, "{}", secrets).check == SignatureCheck::Mismatch);
    }
  }
  Delivery empty{Forge::GitLab, "Push Hook", "", std::string_view("")};
  BOOST_TEST(VerifyProof(empty, "{}", secrets).check == SignatureCheck::Malformed);
  Delivery missing{Forge::GitLab, "Push Hook", "", std::nullopt};
  BOOST_TEST(VerifyProof(missing, "{}", secrets).check == SignatureCheck::Missing);
}

BOOST_DATA_TEST_CASE(reads_real_payloads_into_events, data::make(EVENTS), fixture) {
  Delivery delivery{fixture.forge, fixture.event, "", std::nullopt};
  EventResult result = ParseEvent(delivery, ReadFixture(fixture.file));
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.kind == fixture.kind);
  BOOST_TEST(result.event.name == fixture.event);
  if (fixture.kind != EventKind::Push) {
    BOOST_TEST(result.event.changes.empty());
    return;
  }
  BOOST_TEST(result.event.repository == fixture.repository);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  const RefChange& change = result.event.changes[0];
  BOOST_TEST(change.ref == fixture.ref);
  BOOST_TEST(change.commit == fixture.commit);
  BOOST_TEST(change.deleted == fixture.deleted);
}

BOOST_AUTO_TEST_CASE(a_payload_of_one_forge_sent_as_another_is_rejected) {
  // A GitHub push read as GitLab's lacks project.path_with_namespace; as Bitbucket's, changes.
  const std::string github = ReadFixture("github/push/woodpecker-push.json");
  for (auto [forge, event] : {std::pair{Forge::GitLab, "Push Hook"}, {Forge::Bitbucket, "repo:push"},
                              {Forge::BitbucketServer, "repo:refs_changed"}}) {
    BOOST_TEST_CONTEXT(forge) {
      BOOST_TEST(!ParseEvent({forge, event, "", std::nullopt}, github).ok);
    }
  }
  // A GitLab push read as GitHub's has ref but no repository.full_name.
  EventResult gitlab = ParseEvent({Forge::GitHub, "push", "", std::nullopt},
                                  ReadFixture("gitlab/push/gogitlab-push.json"));
  BOOST_TEST(!gitlab.ok);
}

BOOST_AUTO_TEST_CASE(gitlab_push_with_null_checkout_sha_deletes_the_ref) {
  // gogitlab-push.json with checkout_sha made null, as GitLab sends a branch deletion.
  std::string body = ReadFixture("gitlab/push/gogitlab-push.json");
  const std::string sha = "\"checkout_sha\": \"da1560886d4f094c3e6c9ef40349f7d38b5d27d7\"";
  BOOST_TEST_REQUIRE(body.find(sha) != std::string::npos);
  body.replace(body.find(sha), sha.size(), "\"checkout_sha\": null");
  EventResult result = ParseEvent({Forge::GitLab, "Push Hook", "", std::nullopt}, body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].deleted);
  BOOST_TEST(result.event.changes[0].commit.empty());
}

BOOST_AUTO_TEST_CASE(bitbucket_keeps_every_change_of_a_push_in_order) {
  const std::string body = R"({"repository": {"full_name": "team/app"}, "push": {"changes": [
      {"new": null, "old": {"type": "branch", "name": "gone", "target": {"hash": "1111111111111111111111111111111111111111"}}},
      {"new": {"type": "tag", "name": "v1", "target": {"hash": "2222222222222222222222222222222222222222"}}, "old": null},
      {"new": {"type": "branch", "name": "main", "target": {"hash": "3333333333333333333333333333333333333333"}}, "old": null}]}})";
  EventResult result = ParseEvent({Forge::Bitbucket, "repo:push", "", std::nullopt}, body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 3u);
  const std::vector<RefChange>& changes = result.event.changes;
  BOOST_TEST(changes[0].ref == "refs/heads/gone");
  BOOST_TEST(changes[0].deleted);
  BOOST_TEST(changes[0].commit.empty());
  BOOST_TEST(changes[1].ref == "refs/tags/v1");
  BOOST_TEST(!changes[1].deleted);
  BOOST_TEST(changes[2].ref == "refs/heads/main");
  BOOST_TEST(changes[2].commit == "3333333333333333333333333333333333333333");
  BOOST_TEST(!changes[2].deleted);
}

BOOST_DATA_TEST_CASE(bitbucket_push_of_two_branches_carries_both_with_their_commits,
                     data::make(TWO_CHANGE_PUSHES), push) {
  EventResult result = ParseEvent({push.forge, push.event, "", std::nullopt}, ReadFixture(push.file));
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.kind == EventKind::Push);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 2u);
  const std::vector<RefChange>& changes = result.event.changes;
  BOOST_TEST(changes[0].ref == "refs/heads/feature");
  BOOST_TEST(changes[0].commit == push.feature_commit);
  BOOST_TEST(!changes[0].deleted);
  BOOST_TEST(changes[1].ref == "refs/heads/main");
  BOOST_TEST(changes[1].commit == push.main_commit);
  BOOST_TEST(!changes[1].deleted);
}

BOOST_AUTO_TEST_CASE(bitbucket_tag_push_is_a_tag_ref) {
  const std::string body = R"({"repository": {"full_name": "team/app"}, "push": {"changes": [
      {"new": {"type": "tag", "name": "v1", "target": {"hash": "2222222222222222222222222222222222222222"}}, "old": null}]}})";
  EventResult result = ParseEvent({Forge::Bitbucket, "repo:push", "", std::nullopt}, body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].ref == "refs/tags/v1");
}

BOOST_AUTO_TEST_CASE(bitbucket_server_update_reads_project_slug_and_to_hash) {
  // goplayground-refs-changed.json turned from a DELETE into an UPDATE of the branch.
  std::string body = ReadFixture("bitbucket-server/push/goplayground-refs-changed.json");
  auto replace = [&](std::string_view from, std::string_view to) {
    BOOST_TEST_REQUIRE(body.find(from) != std::string::npos);
    body.replace(body.find(from), from.size(), to);
  };
  replace("\"toHash\": \"0000000000000000000000000000000000000000\"",
          "\"toHash\": \"4444444444444444444444444444444444444444\"");
  replace("\"type\": \"DELETE\"", "\"type\": \"UPDATE\"");
  EventResult result = ParseEvent({Forge::BitbucketServer, "repo:refs_changed", "", std::nullopt}, body);
  BOOST_TEST_REQUIRE(result.ok, result.error);
  BOOST_TEST(result.event.repository == "~gopher/webhook-test");
  BOOST_TEST_REQUIRE(result.event.changes.size() == 1u);
  BOOST_TEST(result.event.changes[0].commit == "4444444444444444444444444444444444444444");
  BOOST_TEST(!result.event.changes[0].deleted);
}

BOOST_AUTO_TEST_CASE(bitbucket_diagnostics_ping_is_a_ping) {
  for (Forge forge : {Forge::Bitbucket, Forge::BitbucketServer}) {
    EventResult result = ParseEvent({forge, "diagnostics:ping", "", std::nullopt}, R"({"test": true})");
    BOOST_TEST(result.ok);
    BOOST_TEST(result.event.kind == EventKind::Ping);
  }
}

BOOST_AUTO_TEST_CASE(rejects_bodies_that_are_not_json_objects_for_every_forge_and_event) {
  for (const EventFixture& fixture : EVENTS) {
    BOOST_TEST_CONTEXT(fixture) {
      BOOST_TEST(!ParseEvent({fixture.forge, fixture.event, "", std::nullopt}, "[1]").ok);
      BOOST_TEST(!ParseEvent({fixture.forge, fixture.event, "", std::nullopt}, "{").ok);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
