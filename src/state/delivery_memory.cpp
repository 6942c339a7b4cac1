#include "state/delivery_memory.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "state/durable_file.hpp"
#include "util/unique_fd.hpp"

namespace deployhook {
namespace {

constexpr std::string_view CLAIMING = "claiming\n";
constexpr std::chrono::minutes PRUNE_EVERY{10};

constexpr std::size_t DIGEST_HEX = 64;

// True for "<64 lowercase hex>.<target name>": nothing else may become a file name here.
bool IsKey(std::string_view key) {
  if (key.size() < DIGEST_HEX + 2 || key[DIGEST_HEX] != '.') return false;
  std::string_view digest = key.substr(0, DIGEST_HEX);
  std::string_view target = key.substr(DIGEST_HEX + 1);
  return std::all_of(digest.begin(), digest.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }) &&
         std::all_of(target.begin(), target.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
         });
}

}  // namespace

std::string DeliveryKey(std::string_view body_sha256, std::string_view target) {
  return std::string(body_sha256) + "." + std::string(target);
}

DeliveryMemory::DeliveryMemory(std::filesystem::path state_dir)
    : directory_(std::move(state_dir) / "seen") {}

std::filesystem::path DeliveryMemory::EntryPath(std::string_view key) const {
  assert(IsKey(key));
  return directory_ / std::string(key);
}

Claim DeliveryMemory::TryClaim(std::string_view key) {
  PruneOccasionally();
  EnsureDirectory(directory_);
  std::filesystem::path path = EntryPath(key);
  for (int attempt = 0; attempt < 2; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
    if (fd) {
      if (::write(fd.get(), CLAIMING.data(), CLAIMING.size()) !=
          static_cast<ssize_t>(CLAIMING.size())) {
        ::unlink(path.c_str());
        throw StorageError("cannot write " + path.string());
      }
      return Claim::New;
    }
    if (errno != EEXIST) {
      throw StorageError("cannot create " + path.string() + ": " + std::strerror(errno));
    }
    std::string content;
    std::error_code error;
    auto modified = std::filesystem::last_write_time(path, error);
    if (error || !ReadWholeFile(path, content)) continue;  // vanished meanwhile: try again
    bool claiming = content.empty() || content == CLAIMING;
    auto age = std::filesystem::file_time_type::clock::now() - modified;
    if (!claiming || age < STALE_CLAIM) return Claim::Duplicate;
    std::filesystem::remove(path, error);
  }
  return Claim::Duplicate;
}

void DeliveryMemory::Confirm(std::string_view key, const std::vector<std::string>& ids) {
  // Rewritten in place and not synced: a reader seeing it half-written still counts it as held,
  // and a confirmation lost to a crash only turns into a stale claim. The job itself is what
  // must survive, and the queue syncs it; sparing two fsyncs here shortens every 202.
  std::string content = "queued";
  for (const std::string& id : ids) content += " " + id;
  content += "\n";
  std::filesystem::path path = EntryPath(key);
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
  if (!fd || ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
    throw StorageError("cannot write " + path.string() + ": " + std::strerror(errno));
  }
}

void DeliveryMemory::Forget(std::string_view key) noexcept {
  if (!IsKey(key)) return;
  std::error_code error;
  std::filesystem::remove(EntryPath(key), error);
}

std::size_t DeliveryMemory::Prune(std::filesystem::file_time_type now, std::size_t max_entries) {
  std::vector<std::pair<std::filesystem::file_time_type, std::filesystem::path>> entries;
  std::error_code error;
  std::size_t removed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    auto modified = entry.last_write_time(error);
    if (error) continue;
    if (now - modified > RETENTION) {
      removed += std::filesystem::remove(entry.path(), error) ? 1 : 0;
    } else {
      entries.emplace_back(modified, entry.path());
    }
  }
  if (entries.size() > max_entries) {
    auto excess = static_cast<std::ptrdiff_t>(entries.size() - max_entries);
    std::nth_element(entries.begin(), entries.begin() + excess, entries.end());
    for (auto it = entries.begin(); it != entries.begin() + excess; ++it) {
      removed += std::filesystem::remove(it->second, error) ? 1 : 0;
    }
  }
  return removed;
}

void DeliveryMemory::PruneOccasionally() noexcept {
  auto now = std::filesystem::file_time_type::clock::now();
  std::int64_t now_minutes =
      std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
  std::int64_t last = last_prune_.load();
  if (now_minutes - last < PRUNE_EVERY.count()) return;
  if (!last_prune_.compare_exchange_strong(last, now_minutes)) return;
  try {
    Prune(now);
  } catch (...) {
    // Pruning is housekeeping; a failure here must not refuse a delivery.
  }
}

}  // namespace deployhook
