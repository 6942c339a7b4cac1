#pragma once
// The few fields of a webhook payload that decide a deployment.

#include <string>
#include <string_view>

namespace deployhook {

struct PushPayload {
  std::string ref;         // "refs/heads/main"
  std::string repository;  // repository.full_name, "owner/name"
  std::string after;       // the commit the ref now points at; empty when absent
  bool deleted = false;    // true when the push deletes the ref
};

struct PayloadResult {
  bool ok = false;
  std::string error;  // why the payload was rejected, for the log; empty when ok
  PushPayload push;
};

// Parses a push payload. Rejects what is not one JSON object, and `ref` or
// `repository.full_name` missing or not strings, and `after`/`deleted` of the wrong type.
PayloadResult ParsePushPayload(std::string_view json);

// Returns an empty string when `json` is one well-formed JSON object, else why it is not.
std::string CheckJsonObject(std::string_view json);

}  // namespace deployhook
