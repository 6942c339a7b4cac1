// Fuzzes every forge's payload reading (ParseEvent): the fields that decide a deployment, for
// pushes, workflow runs, packages, pings and other events. Input, one field per line and the
// body last: forge name (github, gitea, ..., bitbucket-server; anything else is github), the
// forge's event name, body.

#include "forge/forge.hpp"
#include "harness.hpp"
#include "util/hex.hpp"
#include "forge/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace deployhook;
  std::vector<std::string_view> fields = fuzz::SplitFields(fuzz::AsText(data, size), 3);
  fields.resize(3);
  Delivery delivery{ParseForge(fields[0]).value_or(Forge::GitHub), fields[1], "", std::nullopt};
  std::string_view json = fields[2];
  EventResult result = ParseEvent(delivery, json);

  // A result is either an event or a reason; an event always comes from one JSON object.
  FUZZ_REQUIRE(result.ok == result.error.empty());
  std::string object_error = CheckJsonObject(json);
  if (result.ok) FUZZ_REQUIRE(object_error.empty());
  if (!object_error.empty()) FUZZ_REQUIRE(result.error == object_error);
  if (result.ok) {
    const Event& event = result.event;
    FUZZ_REQUIRE(event.name == delivery.event);
    // A build's or package's commit is a full commit id or nothing, never a partial match.
    if (event.kind == EventKind::BuildFinished || event.kind == EventKind::PackagePublished) {
      FUZZ_REQUIRE(event.commit.empty() || IsCommitId(event.commit));
    }
    // A push moves at least one ref; only Bitbucket's may move several.
    if (event.kind == EventKind::Push) {
      FUZZ_REQUIRE(!event.changes.empty());
      bool bitbucket = delivery.forge == Forge::Bitbucket || delivery.forge == Forge::BitbucketServer;
      if (!bitbucket) FUZZ_REQUIRE(event.changes.size() == 1);
      for (const RefChange& change : event.changes) {
        // A change's commit is a full commit id; only a deletion may name none.
        FUZZ_REQUIRE(IsCommitId(change.commit) || (change.deleted && change.commit.empty()));
        // Bitbucket refs are built from a branch or tag name; a deleted ref has no commit.
        if (bitbucket) {
          FUZZ_REQUIRE(change.ref.starts_with("refs/heads/") || change.ref.starts_with("refs/tags/"));
          if (change.deleted) FUZZ_REQUIRE(change.commit.empty());
        }
      }
    } else {
      FUZZ_REQUIRE(event.changes.empty());
    }
  }
  // Parsing twice gives the same answer (the thread's parser keeps no state between bodies).
  FUZZ_REQUIRE(fuzz::SameEvent(ParseEvent(delivery, json), result));
  return 0;
}
