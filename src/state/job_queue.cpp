#include "state/job_queue.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "state/durable_file.hpp"
#include "state/rejected_jobs.hpp"
#include "state/stale_temporaries.hpp"
#include "util/unique_fd.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SUFFIX = ".json";

// A job is a few kilobytes; a file far larger is not one, and is not read whole to find out.
constexpr off_t MAX_JOB_BYTES = 4 << 20;

enum class Reading { Job, Unfit, Later };

// Returns true for a name that is a file being written: deployhook's temporaries, and names
// starting with a dot (rsync's and editors' temporaries).
bool BeingWritten(std::string_view name) {
  return name.starts_with('.') || TemporaryWriter(name).has_value();
}

std::chrono::system_clock::time_point Modified(const struct stat& info) {
  return std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
      std::chrono::seconds(info.st_mtim.tv_sec) + std::chrono::nanoseconds(info.st_mtim.tv_nsec)));
}

// Reads the entry at `path` of `target`'s queue into `job` (Job) or says in `unfit` why it is not
// one (Unfit); Later when it is gone, or may still be being copied in.
Reading ReadEntry(const std::filesystem::path& path, std::string_view target,
                  std::chrono::milliseconds settle, Job& job, UnfitFile& unfit) {
  unfit.path = path;
  auto fail = [&](Unfit why, std::string detail) {
    unfit.why = why;
    unfit.detail = std::move(detail);
    return Reading::Unfit;
  };
  // O_NONBLOCK: a FIFO answers at once; O_NOFOLLOW: a symbolic link is not a job file.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return Reading::Later;  // taken by the runner meanwhile
    if (errno == ELOOP) return fail(Unfit::NotAFile, "a symbolic link");
    return fail(Unfit::Unreadable, std::strerror(errno));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return fail(Unfit::Unreadable, std::strerror(errno));
  if (!S_ISREG(info.st_mode)) return fail(Unfit::NotAFile, std::string(DescribeFileType(info.st_mode)));
  if (info.st_size > MAX_JOB_BYTES) return fail(Unfit::NotAJob, "larger than any job");
  auto age = std::chrono::system_clock::now() - Modified(info);
  bool settled = age >= settle || age < decltype(age)::zero();
  std::string content;
  content.reserve(static_cast<std::size_t>(info.st_size));
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Unfit::Unreadable, std::strerror(errno));
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (content.size() > static_cast<std::size_t>(MAX_JOB_BYTES)) return fail(Unfit::NotAJob, "larger than any job");
  }
  if (content.empty()) return settled ? fail(Unfit::Empty, {}) : Reading::Later;
  std::optional<Job> parsed = ParseJob(content);
  if (!parsed) return settled ? fail(Unfit::NotAJob, {}) : Reading::Later;
  if (parsed->target != target) return fail(Unfit::OtherTarget, parsed->target);
  if (path.filename().string() != parsed->id + std::string(SUFFIX)) return fail(Unfit::ForeignName, parsed->id);
  job = std::move(*parsed);
  return Reading::Job;
}

}  // namespace

std::string DescribeUnfit(const UnfitFile& file, std::string_view target) {
  switch (file.why) {
    case Unfit::NotAFile: return file.detail + ", not a job file";
    case Unfit::Unreadable: return "cannot be read: " + file.detail;
    case Unfit::Empty: return "empty, not a job";
    case Unfit::NotAJob:
      return file.detail.empty() ? "not a job (corrupt, cut short or not deployhook's)"
                                 : "not a job (" + file.detail + ")";
    case Unfit::OtherTarget:
      return "a job of target " + EscapeBytes(file.detail) + ", not of " + std::string(target);
    case Unfit::ForeignName:
      return "a job named " + EscapeBytes(file.path.filename().string()) + ", not after its id " +
             EscapeBytes(file.detail) + std::string(SUFFIX);
  }
  return "not a job";
}

JobQueue::JobQueue(std::filesystem::path state_dir, std::chrono::milliseconds settle)
    : state_dir_(std::move(state_dir)), root_(state_dir_ / "queue"), settle_(settle),
      owner_(StateOwner(state_dir_)) {}

std::filesystem::path JobQueue::TargetDirectory(std::string_view target) const {
  return root_ / std::string(target);
}

std::filesystem::path JobQueue::JobFile(const Job& job) const {
  return TargetDirectory(job.target) / (job.id + std::string(SUFFIX));
}

void JobQueue::Enqueue(const std::vector<Job>& jobs) {
  // Every job written and synced before any appears; the temporaries go if one fails.
  std::vector<StagedFile> staged;
  staged.reserve(jobs.size());
  for (const Job& job : jobs) {
    EnsureOwnedDirectory(TargetDirectory(job.target), owner_);
    staged.emplace_back(JobFile(job), SerializeJob(job) + "\n", owner_);
  }
  std::vector<std::filesystem::path> placed;
  try {
    for (StagedFile& file : staged) {
      file.Place();
      placed.push_back(file.Path());
    }
    std::set<std::filesystem::path> directories;
    for (const std::filesystem::path& path : placed) directories.insert(path.parent_path());
    for (const std::filesystem::path& directory : directories) SyncDirectory(directory);
  } catch (...) {
    for (const std::filesystem::path& path : placed) ::unlink(path.c_str());
    throw;
  }
  if (on_enqueue_) on_enqueue_();
}

void JobQueue::Rewrite(const std::vector<Job>& jobs) {
  for (const Job& job : jobs) {
    EnsureOwnedDirectory(TargetDirectory(job.target), owner_);
    WriteFileDurably(JobFile(job), SerializeJob(job) + "\n", owner_);
  }
}

QueueScan JobQueue::Scan(std::string_view target) const {
  QueueScan scan;
  std::vector<std::filesystem::path> entries;
  std::error_code error;
  std::filesystem::directory_iterator it(TargetDirectory(target), error);
  for (std::filesystem::directory_iterator end; !error && it != end; it.increment(error)) {
    if (!BeingWritten(it->path().filename().string())) entries.push_back(it->path());
  }
  std::sort(entries.begin(), entries.end());
  scan.jobs.reserve(entries.size());  // a burst of thousands is held once, not grown into
  for (const std::filesystem::path& path : entries) {
    Job job;
    UnfitFile unfit;
    switch (ReadEntry(path, target, settle_, job, unfit)) {
      case Reading::Job: scan.jobs.push_back(std::move(job)); break;
      case Reading::Unfit: scan.unfit.push_back(std::move(unfit)); break;
      case Reading::Later: break;
    }
  }
  std::sort(scan.jobs.begin(), scan.jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return scan;
}

std::vector<Job> JobQueue::Collect(std::string_view target, const Logger& log) {
  QueueScan scan = Scan(target);
  for (const UnfitFile& file : scan.unfit) {
    std::string reason = DescribeUnfit(file, target);
    try {
      std::optional<std::filesystem::path> moved = MoveToRejected(state_dir_, target, file.path, owner_);
      {
        std::lock_guard lock(unmovable_mutex_);
        unmovable_.erase(file.path);
      }
      if (!moved) continue;  // another worker moved it, and said so
      log.Log(LogLevel::Error, "queue",
              {{"target", target}, {"path", file.path.string()}, {"moved_to", moved->string()},
               {"reason", reason}});
    } catch (const StorageError& e) {
      bool first;
      {
        std::lock_guard lock(unmovable_mutex_);
        first = unmovable_.insert(file.path).second;
      }
      if (first) {
        log.Log(LogLevel::Error, "queue",
                {{"target", target}, {"path", file.path.string()},
                 {"reason", reason + "; left in place: " + e.what()}});
      }
    }
  }
  return std::move(scan.jobs);
}

std::size_t JobQueue::Count(std::string_view target) const {
  std::size_t count = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(TargetDirectory(target), error)) {
    if (entry.path().filename().string().ends_with(SUFFIX)) ++count;
  }
  return count;
}

void JobQueue::Remove(const std::vector<Job>& jobs) {
  for (const Job& job : jobs) {
    std::error_code error;
    std::filesystem::remove(JobFile(job), error);
    if (error) throw StorageError("cannot remove job " + job.id + ": " + error.message());
  }
}

}  // namespace deployhook
