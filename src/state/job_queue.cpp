#include "state/job_queue.hpp"

#include <algorithm>
#include <system_error>

#include "state/durable_file.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SUFFIX = ".json";

}  // namespace

JobQueue::JobQueue(std::filesystem::path state_dir)
    : root_(state_dir / "queue"), owner_(StateOwner(state_dir)) {}

std::filesystem::path JobQueue::TargetDirectory(std::string_view target) const {
  return root_ / std::string(target);
}

void JobQueue::Enqueue(const std::vector<Job>& jobs) {
  Rewrite(jobs);
  if (on_enqueue_) on_enqueue_();
}

void JobQueue::Rewrite(const std::vector<Job>& jobs) {
  for (const Job& job : jobs) {
    std::filesystem::path directory = TargetDirectory(job.target);
    EnsureOwnedDirectory(directory, owner_);
    WriteFileDurably(directory / (job.id + std::string(SUFFIX)), SerializeJob(job) + "\n", owner_);
  }
}

std::vector<Job> JobQueue::Pending(std::string_view target) const {
  std::vector<Job> jobs;
  jobs.reserve(Count(target));  // a burst of thousands is held once, not grown into
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(TargetDirectory(target), error)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(SUFFIX)) continue;  // temporaries being written
    std::string content;
    try {
      if (!ReadWholeFile(entry.path(), content)) continue;
    } catch (const StorageError&) {
      continue;
    }
    if (std::optional<Job> job = ParseJob(content)) jobs.push_back(std::move(*job));
  }
  std::sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.id < b.id; });
  return jobs;
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
    std::filesystem::remove(TargetDirectory(job.target) / (job.id + std::string(SUFFIX)), error);
    if (error) throw StorageError("cannot remove job " + job.id + ": " + error.message());
  }
}

}  // namespace deployhook
