#pragma once
// A minimal JSON writer for the few flat objects deployhook emits (responses, jobs, history).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deployhook {

// Returns `text` as a quoted JSON string; invalid UTF-8 bytes become U+FFFD so the output is
// always valid JSON whatever a client sent.
std::string JsonQuote(std::string_view text);

// Builds one JSON object member by member: JsonObject().Add("a", "b").Str() == {"a":"b"}.
class JsonObject {
 public:
  JsonObject& Add(std::string_view key, std::string_view value);
  JsonObject& Add(std::string_view key, const char* value) { return Add(key, std::string_view(value)); }
  JsonObject& Add(std::string_view key, std::int64_t value);
  JsonObject& Add(std::string_view key, double value);
  JsonObject& Add(std::string_view key, bool value);
  JsonObject& Add(std::string_view key, const std::vector<std::string>& values);
  // Adds the string, or null when there is none.
  JsonObject& AddNullable(std::string_view key, const std::optional<std::string>& value);
  // Adds `json` verbatim: it must already be valid JSON (an object or array built here).
  JsonObject& AddRaw(std::string_view key, std::string_view json);
  std::string Str() const { return body_ + "}"; }

 private:
  void Key(std::string_view key);
  std::string body_ = "{";
};

// Returns a JSON array of already-serialized JSON values.
std::string JsonArrayOfRaw(const std::vector<std::string>& items);

}  // namespace deployhook
