#pragma once
// Which exact bodies were accepted before for which target, in state_dir/seen/<key> (see
// DeliveryKey): kept while their deployment is pending, running or succeeded, forgotten when it
// fails (so a redelivery deploys again), pruned after RETENTION and above MAX_ENTRIES. Shared
// by worker processes.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

enum class Claim { New, Duplicate };

// Returns the memory's key for a body (its SHA-256 in hex) accepted for a target. Per target,
// so that two hooks on one repository with different secrets, sending the same body, each
// deploy their own target.
std::string DeliveryKey(std::string_view body_sha256, std::string_view target);

class DeliveryMemory {
 public:
  static constexpr std::chrono::hours RETENTION{24 * 7};
  static constexpr std::size_t MAX_ENTRIES = 100000;
  // A claim whose jobs never got written (the worker died in between) stops counting after this.
  static constexpr std::chrono::seconds STALE_CLAIM{60};

  explicit DeliveryMemory(std::filesystem::path state_dir);

  // Atomically claims `key` for this delivery: New when nobody holds it (or the holder's
  // claim went stale), Duplicate otherwise. Throws StorageError when the disk refuses.
  Claim TryClaim(std::string_view key);

  // Records that the claimed delivery's jobs are queued. Throws StorageError.
  void Confirm(std::string_view key, const std::vector<std::string>& job_ids);

  // Drops a claim or a remembered delivery (its jobs could not be queued, or its run failed).
  // A key that is not one DeliveryKey makes is ignored.
  void Forget(std::string_view key) noexcept;

  // Deletes entries older than RETENTION, then the oldest beyond MAX_ENTRIES; returns how many.
  std::size_t Prune(std::filesystem::file_time_type now, std::size_t max_entries = MAX_ENTRIES);

 private:
  std::filesystem::path EntryPath(std::string_view key) const;
  void PruneOccasionally() noexcept;

  std::filesystem::path directory_;
  std::atomic<std::int64_t> last_prune_{0};
};

}  // namespace deployhook
