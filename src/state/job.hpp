#pragma once
// One accepted delivery for one target, as stored in the queue.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

// An image a service container ran before a run changed anything: what a rollback puts back.
struct ContainerImage {
  std::string image_id;   // sha256:... the container runs
  std::string reference;  // the image name it was created from, e.g. registry/app:latest
  std::string service;    // compose service label
};

struct Job {
  std::string id;
  std::string target;
  std::string delivery;     // X-GitHub-Delivery, or "manual" for `deployhook deploy`
  std::string repository;
  std::string ref;
  std::string after;        // the pushed commit; empty for a manual job
  std::string body_sha256;  // identifies the exact body for duplicate detection; may be empty
  std::string queued_at;    // RFC 3339 UTC
  // The images the run covering this job replaces, written before its first change to the
  // engine, so that a rerun after a crash rolls back to them and not to what it left behind.
  std::optional<std::vector<ContainerImage>> snapshot = std::nullopt;
  // A rollback (`deployhook rollback`) instead of a deployment: the run it restores and, per
  // service, the image (by id) that run left running.
  std::string restores{};
  std::vector<ContainerImage> restore{};

  bool IsRollback() const noexcept { return !restores.empty(); }
};

// Returns the job as one line of JSON.
std::string SerializeJob(const Job& job);

// Returns the job a JSON text describes, or nothing when it is not one.
std::optional<Job> ParseJob(std::string_view json);

}  // namespace deployhook
