#pragma once
// The durable queue in state_dir/queue/<target>/<id>.json: the seam between the request path,
// which only adds jobs, and the deployment runner, which takes them. Several worker processes
// may share one state_dir: every file appears whole (rename) and is removed only by the runner
// that holds the target's lock.
//
// A job is the file `queue/<job.target>/<job.id>.json` and nothing else: what the runner reads
// is exactly the file it removes. Anything else in a target's queue directory (see Unfit) is
// never run; the runner moves it to state_dir/rejected/<target>/ (rejected_jobs.hpp). Files being
// written are left alone: deployhook's own temporaries (`*.tmp-<pid>-<n>`), names starting with a
// dot (rsync's, an editor's), and an empty or unreadable-as-a-job file changed within SETTLE (a
// `cp` still copying it in).
//
// Enqueue places a delivery's jobs for all its targets or for none: each is written and synced
// under a temporary name first, then all are renamed into place; a failure removes those already
// placed. A crash between two renames (microseconds, after every file is written) leaves only
// some targets queued and the delivery's claims unconfirmed: a redelivery within
// DeliveryMemory::STALE_CLAIM is a duplicate, a later one queues every target again. A target
// that ran the first copy then runs the same commit again, which leaves its containers as they
// are (`unchanged`); no target is left without the push. Making the crash case atomic too would
// take a commit record replayed at start, for a window no answer was given in.

#include <chrono>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "state/job.hpp"
#include "util/log.hpp"
#include "state/state_owner.hpp"

namespace deployhook {

// Where accepted jobs go; the request handler sees only this.
class JobSink {
 public:
  virtual ~JobSink() = default;
  // Stores every job durably before returning, or none of them; throws StorageError when it
  // cannot.
  virtual void Enqueue(const std::vector<Job>& jobs) = 0;
};

// Why a file in a target's queue directory is not one of its jobs.
enum class Unfit {
  NotAFile,     // a directory, a symbolic link, a FIFO, ...
  Unreadable,   // reading it failed (permissions, I/O)
  Empty,
  NotAJob,      // not a job's JSON: corrupt, cut short, something else, too large
  OtherTarget,  // a job of another target
  ForeignName,  // a job, but not named `<its id>.json` (a copy, a restored backup)
};

struct UnfitFile {
  std::filesystem::path path;
  Unfit why = Unfit::NotAJob;
  std::string detail;  // NotAFile: its type; Unreadable: the error; OtherTarget: that target;
                       // ForeignName: the job's id
};

// Returns why the file is not a job of `target`, in words for a log line or `status`.
std::string DescribeUnfit(const UnfitFile& file, std::string_view target);

// What a target's queue directory holds.
struct QueueScan {
  std::vector<Job> jobs;         // oldest first
  std::vector<UnfitFile> unfit;  // in name order
};

class JobQueue final : public JobSink {
 public:
  // How long a file that does not read as a job may still be being copied in.
  static constexpr std::chrono::seconds SETTLE{2};

  // Jobs go to state_dir/queue; everything Enqueue creates there belongs to state_dir's owner.
  // `settle` replaces SETTLE (tests).
  explicit JobQueue(std::filesystem::path state_dir,
                    std::chrono::milliseconds settle = SETTLE);

  // Places every job, or none (see the file comment). Throws StorageError.
  void Enqueue(const std::vector<Job>& jobs) override;

  // Returns the target's jobs and the files of its queue that are not its jobs. Never throws
  // for what it finds there; a queue directory that cannot be listed holds nothing.
  QueueScan Scan(std::string_view target) const;

  // Returns the target's queued jobs, oldest first (Scan's jobs).
  std::vector<Job> Pending(std::string_view target) const { return Scan(target).jobs; }

  // Returns what Pending returns, after moving every unfit file of the target's queue to
  // rejected/<target>/ with one error line naming it. A file that cannot be moved stays, and its
  // error line is not repeated at every look. Throws only what allocation does.
  std::vector<Job> Collect(std::string_view target, const Logger& log);

  // Returns how many `*.json` entries the target's queue holds, without reading them: its jobs
  // and any unfit file not yet moved aside.
  std::size_t Count(std::string_view target) const;

  // Rewrites queued jobs in place (each file replaced whole). Throws StorageError.
  void Rewrite(const std::vector<Job>& jobs);

  // Removes the jobs' files; a job already gone is not an error. Throws StorageError.
  void Remove(const std::vector<Job>& jobs);

  // Called after every successful Enqueue, so an in-process runner can wake at once.
  void OnEnqueue(std::function<void()> callback) { on_enqueue_ = std::move(callback); }

 private:
  std::filesystem::path TargetDirectory(std::string_view target) const;
  // The one file a job is: queue/<job.target>/<job.id>.json.
  std::filesystem::path JobFile(const Job& job) const;

  std::filesystem::path state_dir_;
  std::filesystem::path root_;
  std::chrono::milliseconds settle_;
  std::optional<FileOwner> owner_;  // set when run as root: what Enqueue creates is given away
  std::function<void()> on_enqueue_;
  std::mutex unmovable_mutex_;
  std::set<std::filesystem::path> unmovable_;  // unfit files whose failed move was logged
};

}  // namespace deployhook
