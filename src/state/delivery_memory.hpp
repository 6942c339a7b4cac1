#pragma once
// Which exact bodies were accepted before, in state_dir/seen/<sha256 of body>: kept while their
// deployment is pending, running or succeeded, forgotten when it fails (so a redelivery
// deploys again), pruned after RETENTION and above MAX_ENTRIES. Shared by worker processes.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

enum class Claim { New, Duplicate };

class DeliveryMemory {
 public:
  static constexpr std::chrono::hours RETENTION{24 * 7};
  static constexpr std::size_t MAX_ENTRIES = 100000;
  // A claim whose jobs never got written (the worker died in between) stops counting after this.
  static constexpr std::chrono::seconds STALE_CLAIM{60};

  explicit DeliveryMemory(std::filesystem::path state_dir);

  // Atomically claims `body_sha256` for this delivery: New when nobody holds it (or the holder's
  // claim went stale), Duplicate otherwise. Throws StorageError when the disk refuses.
  Claim TryClaim(std::string_view body_sha256);

  // Records that the claimed delivery's jobs are queued. Throws StorageError.
  void Confirm(std::string_view body_sha256, const std::vector<std::string>& job_ids);

  // Drops a claim or a remembered delivery (its jobs could not be queued, or its run failed).
  void Forget(std::string_view body_sha256) noexcept;

  // Deletes entries older than RETENTION, then the oldest beyond MAX_ENTRIES; returns how many.
  std::size_t Prune(std::filesystem::file_time_type now, std::size_t max_entries = MAX_ENTRIES);

 private:
  std::filesystem::path EntryPath(std::string_view body_sha256) const;
  void PruneOccasionally() noexcept;

  std::filesystem::path directory_;
  std::atomic<std::int64_t> last_prune_{0};
};

}  // namespace deployhook
