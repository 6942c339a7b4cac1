#include "notify/outbox.hpp"

#include <simdjson.h>

#include <algorithm>
#include <system_error>

#include "state/durable_file.hpp"
#include "util/json_reader.hpp"
#include "util/json_writer.hpp"

namespace deployhook {
namespace {

constexpr std::string_view SUFFIX = ".json";

// Returns true when `id` can name a file in the outbox (NewId's alphabet).
bool IsMessageId(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  c == '-';
         });
}

bool ReadHeaders(simdjson::dom::element element, HttpHeaders& out) {
  simdjson::dom::array pairs;
  if (element.get_array().get(pairs)) return false;
  for (simdjson::dom::element pair : pairs) {
    std::vector<std::string> fields;
    if (!ReadStringArray(pair, fields) || fields.size() != 2) return false;
    out.emplace_back(std::move(fields[0]), std::move(fields[1]));
  }
  return true;
}

}  // namespace

std::string SerializeOutboxMessage(const OutboxMessage& message) {
  std::vector<std::string> headers;
  for (const auto& [name, value] : message.headers) {
    headers.push_back(JsonArrayOfRaw({JsonQuote(name), JsonQuote(value)}));
  }
  JsonObject object;
  object
      .Add("id", message.id)
      .Add("kind", message.kind)
      .Add("notifier", static_cast<std::int64_t>(message.notifier))
      .Add("target", message.target)
      .Add("event", message.event)
      .AddRaw("headers", JsonArrayOfRaw(headers))
      .Add("body", message.body)
      .Add("attempts", static_cast<std::int64_t>(message.attempts))
      .Add("created_ms", message.created_ms)
      .Add("next_try_ms", message.next_try_ms);
  if (!message.url.empty()) object.Add("url", message.url);
  return object.Str();
}

std::optional<OutboxMessage> ParseOutboxMessage(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object)) return std::nullopt;
  OutboxMessage message;
  if (!ReadStringFields(object, {{"id", &message.id}, {"kind", &message.kind},
                                 {"target", &message.target}, {"event", &message.event},
                                 {"body", &message.body}}) ||
      !IsMessageId(message.id)) {
    return std::nullopt;
  }
  std::int64_t notifier = 0;
  std::int64_t attempts = 0;
  simdjson::dom::element headers;
  if (object["notifier"].get_int64().get(notifier) || notifier < 0 ||
      object["attempts"].get_int64().get(attempts) || attempts < 0 || attempts > 1000000 ||
      object["created_ms"].get_int64().get(message.created_ms) ||
      object["next_try_ms"].get_int64().get(message.next_try_ms) ||
      object["headers"].get(headers) || !ReadHeaders(headers, message.headers)) {
    return std::nullopt;
  }
  simdjson::dom::element url;
  if (!object["url"].get(url)) {
    std::string_view text;
    if (url.get_string().get(text)) return std::nullopt;
    message.url = std::string(text);
  }
  message.notifier = static_cast<std::size_t>(notifier);
  message.attempts = static_cast<int>(attempts);
  return message;
}

Outbox::Outbox(const std::filesystem::path& state_dir) : directory_(state_dir / "outbox") {}

void Outbox::Put(const OutboxMessage& message) {
  EnsureDirectory(directory_);
  WriteFileDurably(directory_ / (message.id + std::string(SUFFIX)),
                   SerializeOutboxMessage(message) + "\n");
}

std::vector<OutboxMessage> Outbox::Pending(std::size_t* unreadable) const {
  std::vector<OutboxMessage> messages;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_, error)) {
    std::string name = entry.path().filename().string();
    if (!name.ends_with(SUFFIX)) continue;  // temporaries being written
    std::string content;
    std::optional<OutboxMessage> message;
    try {
      if (ReadWholeFile(entry.path(), content)) message = ParseOutboxMessage(content);
    } catch (const StorageError&) {
    }
    // A file whose name is not its id would never be removed after it was sent.
    if (message && name == message->id + std::string(SUFFIX)) {
      messages.push_back(std::move(*message));
    } else if (unreadable != nullptr) {
      ++*unreadable;
    }
  }
  std::sort(messages.begin(), messages.end(),
            [](const OutboxMessage& a, const OutboxMessage& b) { return a.id < b.id; });
  return messages;
}

void Outbox::Remove(const OutboxMessage& message) {
  std::error_code error;
  std::filesystem::remove(directory_ / (message.id + std::string(SUFFIX)), error);
  if (error) throw StorageError("cannot remove notification " + message.id + ": " + error.message());
}

}  // namespace deployhook
