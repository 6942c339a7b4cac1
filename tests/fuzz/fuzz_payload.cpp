// Fuzzes the parsing of a signed delivery's JSON (simdjson): the fields that decide a
// deployment, and the object check for other events. Input: a whole JSON body.

#include "harness.hpp"
#include "forge/payload.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace deployhook;
  std::string_view json = fuzz::AsText(data, size);
  PayloadResult result = ParsePushPayload(json);
  std::string object_error = CheckJsonObject(json);

  // A result is either a push or a reason; a push is always one JSON object.
  FUZZ_REQUIRE(result.ok == result.error.empty());
  if (result.ok) FUZZ_REQUIRE(object_error.empty());
  // A JSON object that is not a push is rejected for one of its fields, not as "not JSON".
  if (!result.ok && object_error.empty()) {
    FUZZ_REQUIRE(result.error.find("ref") != std::string::npos ||
                 result.error.find("repository") != std::string::npos ||
                 result.error.find("after") != std::string::npos ||
                 result.error.find("deleted") != std::string::npos);
  }
  if (!object_error.empty()) FUZZ_REQUIRE(result.error == object_error);
  // Parsing twice gives the same answer (the thread's parser keeps no state between bodies).
  PayloadResult again = ParsePushPayload(json);
  FUZZ_REQUIRE(again.ok == result.ok && again.error == result.error);
  FUZZ_REQUIRE(again.push.ref == result.push.ref && again.push.after == result.push.after &&
               again.push.repository == result.push.repository &&
               again.push.deleted == result.push.deleted);
  return 0;
}
