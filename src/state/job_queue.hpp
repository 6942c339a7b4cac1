#pragma once
// The durable queue in state_dir/queue/<target>/<id>.json: the seam between the request path,
// which only adds jobs, and the deployment runner, which takes them. Several worker processes
// may share one state_dir: every file appears whole (rename) and is removed only by the runner
// that holds the target's lock.

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include "state/job.hpp"
#include "state/state_owner.hpp"

namespace deployhook {

// Where accepted jobs go; the request handler sees only this.
class JobSink {
 public:
  virtual ~JobSink() = default;
  // Stores every job durably before returning; throws StorageError when it cannot.
  virtual void Enqueue(const std::vector<Job>& jobs) = 0;
};

class JobQueue final : public JobSink {
 public:
  // Jobs go to state_dir/queue; everything Enqueue creates there belongs to state_dir's owner.
  explicit JobQueue(std::filesystem::path state_dir);

  void Enqueue(const std::vector<Job>& jobs) override;

  // Returns the target's queued jobs, oldest first. Unreadable files are skipped.
  std::vector<Job> Pending(std::string_view target) const;

  // Returns how many jobs the target has queued, without reading them.
  std::size_t Count(std::string_view target) const;

  // Rewrites queued jobs in place (each file replaced whole). Throws StorageError.
  void Rewrite(const std::vector<Job>& jobs);

  // Removes the jobs' files; a job already gone is not an error. Throws StorageError.
  void Remove(const std::vector<Job>& jobs);

  // Called after every successful Enqueue, so an in-process runner can wake at once.
  void OnEnqueue(std::function<void()> callback) { on_enqueue_ = std::move(callback); }

 private:
  std::filesystem::path TargetDirectory(std::string_view target) const;

  std::filesystem::path root_;
  std::optional<FileOwner> owner_;  // set when run as root: what Enqueue creates is given away
  std::function<void()> on_enqueue_;
};

}  // namespace deployhook
