#pragma once
// The durable outbox in state_dir/outbox/<id>.json: each notification is written here before
// its first try and removed after it was delivered or given up, so a restart loses none. A
// message names its notifier by position and kind, never by URL: the URL (often a token) and
// the signing secret are looked up in the configuration when it is sent. A commit status
// (kind "status") keeps its forge URL, which holds no secret; its token is looked up in its
// target's configuration when it is sent.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/http_client.hpp"

namespace deployhook {

struct OutboxMessage {
  std::string id;           // also the webhook-id of a signed webhook
  std::string kind;         // the notifier's kind, checked again when sent
  std::size_t notifier = 0; // index of its [[notify]] table
  std::string target;
  std::string event;  // Name(NotifyEvent): "started", a result, or "test"
  HttpHeaders headers;
  std::string body;
  int attempts = 0;              // failed tries so far
  std::int64_t created_ms = 0;   // Unix milliseconds
  std::int64_t next_try_ms = 0;  // not tried again before this
  std::string url{};  // kind "status" only: the forge's status URL (no secret in it)
};

// Returns the message as one JSON object.
std::string SerializeOutboxMessage(const OutboxMessage& message);

// Returns the message a file holds, or nothing for one that is not one.
std::optional<OutboxMessage> ParseOutboxMessage(std::string_view json);

class Outbox {
 public:
  explicit Outbox(const std::filesystem::path& state_dir);

  // Writes the message durably (whole or not at all). Throws StorageError.
  void Put(const OutboxMessage& message);

  // Returns the stored messages, oldest first; files that are not messages are skipped (and
  // counted in `unreadable` when given).
  std::vector<OutboxMessage> Pending(std::size_t* unreadable = nullptr) const;

  // Removes the message; one already gone is not an error. Throws StorageError.
  void Remove(const OutboxMessage& message);

 private:
  std::filesystem::path directory_;
};

}  // namespace deployhook
