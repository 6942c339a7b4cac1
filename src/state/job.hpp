#pragma once
// One accepted delivery for one target, as stored in the queue.

#include <optional>
#include <string>
#include <string_view>

namespace deployhook {

struct Job {
  std::string id;
  std::string target;
  std::string delivery;     // X-GitHub-Delivery, or "manual" for `deployhook deploy`
  std::string repository;
  std::string ref;
  std::string after;        // the pushed commit; empty for a manual job
  std::string body_sha256;  // identifies the exact body for duplicate detection; may be empty
  std::string queued_at;    // RFC 3339 UTC
};

// Returns the job as one line of JSON.
std::string SerializeJob(const Job& job);

// Returns the job a JSON text describes, or nothing when it is not one.
std::optional<Job> ParseJob(std::string_view json);

}  // namespace deployhook
