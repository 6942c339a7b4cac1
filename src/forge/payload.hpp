#pragma once
// Reading forge payloads: one JSON object parsed once, and the typed field reads every forge's
// parser shares (each forge's parser turns a payload into an Event, see forge/forge.hpp).

#include <simdjson.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

// A parsed JSON text. `root` is valid while the document lives and until the next parse on
// the same thread (small bodies share one parser per thread).
struct JsonDocument {
  std::unique_ptr<simdjson::dom::parser> owned;
  simdjson::dom::element root;
  std::string error;  // empty when `root` is an object
};

// Parses `json`; `error` says why it is not one JSON object.
JsonDocument ParseJsonObject(std::string_view json);

// Returns an empty string when `commit`, read from `field`, may be the commit of a ref change,
// else why not ("<field> is not a commit id"): a change that updates its ref names a full commit
// id (40 hex digits, or 64); one that deletes it (`deleted`) names one or none. The commit goes
// into URLs and the history, so nothing else passes for one.
std::string CommitProblem(std::string_view field, std::string_view commit, bool deleted);

// Returns an empty string when `json` is one well-formed JSON object, else why it is not.
std::string CheckJsonObject(std::string_view json);

// Returns the string at `pointer` (RFC 6901) below `root`, or nothing when it is absent, null or
// not a string.
std::optional<std::string_view> StringAt(simdjson::dom::element root, std::string_view pointer);

// Reads the string at `pointer` into `out`; returns false (and sets `error` to "<what> missing
// or not a string") when it is absent or not a string.
bool RequireString(simdjson::dom::element root, std::string_view pointer, std::string_view what,
                   std::string& out, std::string& error);

}  // namespace deployhook
