// Fuzzes the parsing of a signed delivery's JSON (simdjson): the fields of a GitHub-style push
// that decide a deployment, and the object check for other events. Input: a whole JSON body.

#include "harness.hpp"
#include "forge/github.hpp"
#include "forge/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace deployhook;
  std::string_view json = fuzz::AsText(data, size);
  EventResult result = ParseGitHubStylePush("push", json);
  std::string object_error = CheckJsonObject(json);

  // A result is either a push of one ref or a reason; a push is always one JSON object.
  FUZZ_REQUIRE(result.ok == result.error.empty());
  if (result.ok) {
    FUZZ_REQUIRE(object_error.empty());
    FUZZ_REQUIRE(result.event.kind == EventKind::Push && result.event.changes.size() == 1);
  }
  // A JSON object that is not a push is rejected for one of its fields, not as "not JSON".
  if (!result.ok && object_error.empty()) {
    FUZZ_REQUIRE(result.error.find("ref") != std::string::npos ||
                 result.error.find("repository") != std::string::npos ||
                 result.error.find("after") != std::string::npos ||
                 result.error.find("deleted") != std::string::npos);
  }
  if (!object_error.empty()) FUZZ_REQUIRE(result.error == object_error);
  // Parsing twice gives the same answer (the thread's parser keeps no state between bodies).
  FUZZ_REQUIRE(fuzz::SameEvent(ParseGitHubStylePush("push", json), result));
  return 0;
}
