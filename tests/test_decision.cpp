// Which targets a verified delivery deploys: the decision table.

#include <boost/test/unit_test.hpp>

#include "http/decision.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::MakeTarget;

constexpr std::string_view COMMIT = "366701fde727cb7a9e7f21eb88264f59f6f9b89c";

Event Push(std::string ref, std::string repository = "octo/app",
           std::string after = std::string(COMMIT), bool deleted = false) {
  Event push;
  push.kind = EventKind::Push;
  push.name = "push";
  push.repository = std::move(repository);
  push.changes = {{.ref = std::move(ref), .commit = std::move(after), .deleted = deleted}};
  return push;
}

// A push to octo/app that moves every ref of `changes`, as a Bitbucket push may.
Event PushOf(std::vector<RefChange> changes) {
  Event push = Push("");
  push.name = "repo:push";
  push.changes = std::move(changes);
  return push;
}

std::string Sha(char digit) { return std::string(40, digit); }

RefChange Update(std::string ref, std::string commit) {
  return {.ref = std::move(ref), .commit = std::move(commit), .deleted = false};
}

RefChange Deletion(std::string ref) { return {.ref = std::move(ref), .commit = "", .deleted = true}; }

// The indexes of the targets a decision chose, in its order.
std::vector<std::size_t> Indexes(const Decision& decision) {
  std::vector<std::size_t> indexes;
  for (const ChosenTarget& target : decision.targets) indexes.push_back(target.index);
  return indexes;
}

// An event of `kind` named `name`, with nothing else in it.
Event Named(EventKind kind, std::string name) {
  Event event;
  event.kind = kind;
  event.name = std::move(name);
  return event;
}

// One target, "web", deploying octo/app's main branch.
const std::vector<Target>& OneTarget() {
  static const std::vector<Target> targets = {MakeTarget("web", "octo/app", "main")};
  return targets;
}

Decision DecidePush(const Event& push, std::span<const Target> targets,
                    const std::vector<bool>& verified) {
  return Decide(push, targets, verified);
}

Decision DecidePush(const Event& push) { return DecidePush(push, OneTarget(), {true}); }

void CheckIgnored(const Decision& decision, std::string_view reason) {
  BOOST_TEST(decision.verdict == Verdict::Ignored);
  BOOST_TEST(decision.reason == reason);
  BOOST_TEST(decision.targets.empty());
}


// A GitHub workflow run that deploys a workflow_run target on octo/app's main: completed,
// successful, started by a push.
Event Run(std::string action = "completed", std::string conclusion = "success",
          std::string cause = "push", std::string branch = "main") {
  Event run = Named(EventKind::BuildFinished, "workflow_run");
  run.repository = "octo/app";
  run.ref = "refs/heads/" + branch;
  run.commit = std::string(COMMIT);
  run.action = std::move(action);
  run.conclusion = std::move(conclusion);
  run.cause = std::move(cause);
  run.workflows = {".github/workflows/image.yml", "image"};
  return run;
}

// A published package of octo/app named "app".
Event Published(std::string action = "published", std::string package = "app") {
  Event published = Named(EventKind::PackagePublished, "registry_package");
  published.repository = "octo/app";
  published.commit = std::string(COMMIT);
  published.action = std::move(action);
  published.package = std::move(package);
  return published;
}

Target Triggered(std::string name, Trigger trigger) {
  Target target = MakeTarget(std::move(name), "octo/app", "main");
  target.trigger = trigger;
  return target;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(decision)

BOOST_AUTO_TEST_CASE(deploys_push_to_configured_branch) {
  Decision decision = DecidePush(Push("refs/heads/main"));
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST(decision.reason.empty());
  BOOST_TEST_REQUIRE(Indexes(decision) == std::vector<std::size_t>{0});
  BOOST_TEST(decision.targets[0].ref == "refs/heads/main");
  BOOST_TEST(decision.targets[0].commit == COMMIT);
}

BOOST_AUTO_TEST_CASE(compares_repository_ignoring_case) {
  for (std::string repository : {"Octo/App", "OCTO/APP", "octo/app"}) {
    BOOST_TEST_CONTEXT(repository) {
      BOOST_TEST(DecidePush(Push("refs/heads/main", repository)).verdict == Verdict::Deploy);
    }
  }
}

BOOST_AUTO_TEST_CASE(compares_branch_exactly) {
  for (std::string ref : {"refs/heads/Main", "refs/heads/main2", "refs/heads/mai",
                          "refs/heads/main/x", "refs/heads/ main"}) {
    BOOST_TEST_CONTEXT(ref) { CheckIgnored(DecidePush(Push(ref)), "branch is not a deploy branch"); }
  }
}

BOOST_AUTO_TEST_CASE(ignores_push_to_other_branch) {
  CheckIgnored(DecidePush(Push("refs/heads/develop")), "branch is not a deploy branch");
}

BOOST_AUTO_TEST_CASE(ignores_tag_push) {
  // A tag named like the deploy branch is still a tag.
  CheckIgnored(DecidePush(Push("refs/tags/main")), "push is a tag");
  CheckIgnored(DecidePush(Push("refs/tags/v1.0.0")), "push is a tag");
}

BOOST_AUTO_TEST_CASE(ignores_ref_that_is_not_a_branch) {
  for (std::string ref : {"main", "refs/pull/1/head", "refs/notes/commits", "heads/main", ""}) {
    BOOST_TEST_CONTEXT(ref) { CheckIgnored(DecidePush(Push(ref)), "ref is not a branch"); }
  }
}

BOOST_AUTO_TEST_CASE(ignores_unknown_repository) {
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/other")), "repository is not configured");
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/app2")), "repository is not configured");
}

BOOST_AUTO_TEST_CASE(ignores_push_that_deletes_the_ref) {
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/app", "", true)), "push deletes the ref");
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/app", std::string(COMMIT), true)),
               "push deletes the ref");
}

BOOST_AUTO_TEST_CASE(ignores_push_whose_after_is_all_zeros) {
  // Forges that send no "deleted" field mark a deletion by the null commit alone.
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/app", std::string(40, '0'))),
               "push deletes the ref");
  CheckIgnored(DecidePush(Push("refs/heads/main", "octo/app", std::string(64, '0'))),
               "push deletes the ref");
}

BOOST_AUTO_TEST_CASE(deploys_push_without_after) {
  BOOST_TEST(DecidePush(Push("refs/heads/main", "octo/app", "")).verdict == Verdict::Deploy);
}

BOOST_AUTO_TEST_CASE(deploys_a_push_of_several_refs_at_the_change_that_updates_the_branch) {
  // Bitbucket lists `feature` first; deciding on the first change alone would miss `main`.
  Decision decision = DecidePush(PushOf({Update("refs/heads/feature", Sha('1')),
                                         Update("refs/heads/main", Sha('2'))}));
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST_REQUIRE(Indexes(decision) == std::vector<std::size_t>{0});
  BOOST_TEST(decision.targets[0].ref == "refs/heads/main");
  BOOST_TEST(decision.targets[0].commit == Sha('2'));
}

BOOST_AUTO_TEST_CASE(gives_each_target_the_change_of_its_own_branch) {
  std::vector<Target> targets = {MakeTarget("web", "octo/app", "main"),
                                 MakeTarget("preview", "octo/app", "feature"),
                                 MakeTarget("docs", "octo/app", "gh-pages")};
  Decision decision = DecidePush(PushOf({Update("refs/heads/feature", Sha('1')),
                                         Update("refs/heads/main", Sha('2'))}),
                                 targets, {true, true, true});
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST_REQUIRE(Indexes(decision) == (std::vector<std::size_t>{0, 1}));
  BOOST_TEST(decision.targets[0].ref == "refs/heads/main");
  BOOST_TEST(decision.targets[0].commit == Sha('2'));
  BOOST_TEST(decision.targets[1].ref == "refs/heads/feature");
  BOOST_TEST(decision.targets[1].commit == Sha('1'));
}

BOOST_AUTO_TEST_CASE(passes_over_deletions_and_tags_among_several_changes) {
  // A tag named like the branch and a deletion come first; the branch update still deploys.
  Decision decision = DecidePush(PushOf({Update("refs/tags/main", Sha('1')),
                                         Deletion("refs/heads/staging"),
                                         Update("refs/heads/main", Sha('3'))}));
  BOOST_TEST_REQUIRE(Indexes(decision) == std::vector<std::size_t>{0});
  BOOST_TEST(decision.targets[0].commit == Sha('3'));
  // The deploy branch deleted, another branch updated: nothing to deploy.
  CheckIgnored(DecidePush(PushOf({Deletion("refs/heads/main"),
                                  Update("refs/heads/feature", Sha('2'))})),
               "branch is not a deploy branch");
  CheckIgnored(DecidePush(PushOf({Update("refs/heads/main", Sha('0')),
                                  Update("refs/tags/v1", Sha('2'))})),
               "push deletes the ref");
}

BOOST_AUTO_TEST_CASE(ignores_a_push_of_several_refs_none_a_branch_update_by_its_first_change) {
  CheckIgnored(DecidePush(PushOf({Update("refs/tags/v1", Sha('1')), Deletion("refs/heads/main")})),
               "push is a tag");
  CheckIgnored(DecidePush(PushOf({Deletion("refs/heads/main"), Update("refs/tags/v1", Sha('1'))})),
               "push deletes the ref");
  CheckIgnored(DecidePush(PushOf({})), "push moves no ref");
}

BOOST_AUTO_TEST_CASE(push_of_several_refs_for_a_target_that_waits_for_its_workflow_says_why) {
  std::vector<Target> targets = {Triggered("web", Trigger::WorkflowRun)};
  CheckIgnored(DecidePush(PushOf({Update("refs/heads/feature", Sha('1')),
                                  Update("refs/heads/main", Sha('2'))}),
                          targets, {true}),
               "target web deploys when its workflow run succeeds, not on push");
}

BOOST_AUTO_TEST_CASE(chooses_every_target_on_the_same_repository_and_branch) {
  std::vector<Target> targets = {MakeTarget("web", "octo/app", "main"),
                                 MakeTarget("docs", "octo/app", "gh-pages"),
                                 MakeTarget("worker", "Octo/App", "main"),
                                 MakeTarget("other", "octo/other", "main")};
  Decision decision = DecidePush(Push("refs/heads/main"), targets, {true, true, true, true});
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST(Indexes(decision) == (std::vector<std::size_t>{0, 2}));
}

BOOST_AUTO_TEST_CASE(never_chooses_target_whose_secret_did_not_verify) {
  std::vector<Target> targets = {MakeTarget("web", "octo/app", "main", "web-secret"),
                                 MakeTarget("worker", "octo/app", "main", "worker-secret")};
  Decision decision = DecidePush(Push("refs/heads/main"), targets, {false, true});
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST(Indexes(decision) == std::vector<std::size_t>{1});
}

BOOST_AUTO_TEST_CASE(ignores_push_when_only_unverified_targets_match) {
  // Signed for another repository's target: as far as that signer may know, not configured.
  std::vector<Target> targets = {MakeTarget("web", "octo/app", "main", "web-secret"),
                                 MakeTarget("blog", "octo/blog", "main", "blog-secret")};
  CheckIgnored(DecidePush(Push("refs/heads/main"), targets, {false, true}),
               "repository is not configured");
}

BOOST_AUTO_TEST_CASE(answers_ping_with_pong) {
  Decision decision = Decide(Named(EventKind::Ping, "ping"), OneTarget(), {true});
  BOOST_TEST(decision.verdict == Verdict::Pong);
  BOOST_TEST(decision.targets.empty());
}

BOOST_AUTO_TEST_CASE(ignores_events_other_than_push) {
  for (std::string_view event : {"release", "create", "Push", "push "}) {
    BOOST_TEST_CONTEXT(event) {
      CheckIgnored(Decide(Named(EventKind::Other, std::string(event)), OneTarget(), {true}),
                   "event is not push");
    }
  }
}

BOOST_AUTO_TEST_CASE(ignores_delivery_without_event_header) {
  CheckIgnored(Decide(Named(EventKind::Other, ""), OneTarget(), {true}), "no event header");
}

BOOST_AUTO_TEST_CASE(equals_ignore_case_folds_ascii_only) {
  BOOST_TEST(EqualsIgnoreCase("Octo/App", "octo/app"));
  BOOST_TEST(!EqualsIgnoreCase("octo/app", "octo/ap"));
  BOOST_TEST(!EqualsIgnoreCase("octo/app", "octo/app "));
  // '@' and '`' sit next to 'A' and 'a'; they are not letters.
  BOOST_TEST(!EqualsIgnoreCase("@", "`"));
  BOOST_TEST(!EqualsIgnoreCase("\xc3\x89", "\xc3\xa9"));  // É and é: bytes compared as they are
  BOOST_TEST(EqualsIgnoreCase("", ""));
}

BOOST_AUTO_TEST_CASE(deploys_workflow_run_target_on_successful_push_run_of_its_branch) {
  std::vector<Target> targets = {Triggered("web", Trigger::WorkflowRun), MakeTarget("api", "octo/app", "main")};
  Decision decision = Decide(Run(), targets, {true, true});
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST_REQUIRE(Indexes(decision) == std::vector<std::size_t>{0});
  BOOST_TEST(decision.targets[0].ref == "refs/heads/main");
  BOOST_TEST(decision.targets[0].commit == COMMIT);
}

BOOST_AUTO_TEST_CASE(ignores_workflow_runs_that_are_not_a_successful_push_run) {
  std::vector<Target> targets = {Triggered("web", Trigger::WorkflowRun)};
  CheckIgnored(Decide(Run("requested", ""), targets, {true}), "workflow run is requested, not completed");
  CheckIgnored(Decide(Run("in_progress", ""), targets, {true}), "workflow run is in_progress, not completed");
  CheckIgnored(Decide(Run("completed", "failure"), targets, {true}),
               "workflow run concluded failure, not success");
  CheckIgnored(Decide(Run("completed", "cancelled"), targets, {true}),
               "workflow run concluded cancelled, not success");
  CheckIgnored(Decide(Run("completed", "success", "pull_request"), targets, {true}),
               "workflow run was started by pull_request, not push");
  CheckIgnored(Decide(Run("completed", "success", "push", "develop"), targets, {true}),
               "workflow run is not for a deploy branch");
}

BOOST_AUTO_TEST_CASE(ignores_workflow_run_without_a_valid_head_sha) {
  Event run = Run();
  run.commit.clear();  // the parser clears a head_sha that is not 40 hex digits
  CheckIgnored(Decide(run, std::vector<Target>{Triggered("web", Trigger::WorkflowRun)}, {true}),
               "workflow run has no valid head_sha");
}

BOOST_AUTO_TEST_CASE(matches_workflow_filter_against_path_or_name) {
  for (std::string workflow : {".github/workflows/image.yml", "image"}) {
    Target target = Triggered("web", Trigger::WorkflowRun);
    target.workflow = workflow;
    BOOST_TEST_CONTEXT(workflow) {
      BOOST_TEST(Decide(Run(), std::vector<Target>{target}, {true}).verdict == Verdict::Deploy);
    }
  }
  Target other = Triggered("web", Trigger::WorkflowRun);
  other.workflow = "tests";
  CheckIgnored(Decide(Run(), std::vector<Target>{other}, {true}), "workflow is not the target's workflow");
}

BOOST_AUTO_TEST_CASE(ignores_workflow_run_when_no_target_waits_for_one) {
  CheckIgnored(Decide(Run(), OneTarget(), {true}), "no target of this repository deploys on workflow runs");
  // Unverified: the run's signer is not this target's.
  CheckIgnored(Decide(Run(), std::vector<Target>{Triggered("web", Trigger::WorkflowRun)}, {false}),
               "no target of this repository deploys on workflow runs");
}

BOOST_AUTO_TEST_CASE(push_for_a_target_that_waits_for_its_workflow_is_ignored_with_why) {
  std::vector<Target> targets = {Triggered("web", Trigger::WorkflowRun)};
  CheckIgnored(DecidePush(Push("refs/heads/main"), targets, {true}),
               "target web deploys when its workflow run succeeds, not on push");
  std::vector<Target> package = {Triggered("web", Trigger::Package)};
  CheckIgnored(DecidePush(Push("refs/heads/main"), package, {true}),
               "target web deploys when its package is published, not on push");
}

BOOST_AUTO_TEST_CASE(deploys_package_target_on_published_package) {
  std::vector<Target> targets = {Triggered("web", Trigger::Package), Triggered("run", Trigger::WorkflowRun),
                                 MakeTarget("api", "octo/app", "main")};
  Decision decision = Decide(Published(), targets, {true, true, true});
  BOOST_TEST(decision.verdict == Verdict::Deploy);
  BOOST_TEST_REQUIRE(Indexes(decision) == std::vector<std::size_t>{0});
  BOOST_TEST(decision.targets[0].commit == COMMIT);
}

BOOST_AUTO_TEST_CASE(ignores_package_events_other_than_published_and_other_packages) {
  Target target = Triggered("web", Trigger::Package);
  target.package = "app";
  std::vector<Target> targets = {target};
  CheckIgnored(Decide(Published("updated"), targets, {true}), "package was updated, not published");
  CheckIgnored(Decide(Published("published", "worker"), targets, {true}), "package is not the target's package");
  BOOST_TEST(Decide(Published(), targets, {true}).verdict == Verdict::Deploy);
  CheckIgnored(Decide(Published(), OneTarget(), {true}), "no target of this repository deploys on packages");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
