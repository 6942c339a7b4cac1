#include "forge/payload.hpp"

namespace deployhook {
namespace {

// Bodies above this are parsed by a parser that is freed afterwards, so a rare huge delivery
// does not leave its buffers pinned to a thread for the worker's lifetime.
constexpr std::size_t KEEP_PARSER_BELOW = 1 << 20;

}  // namespace

JsonDocument ParseJsonObject(std::string_view json) {
  thread_local simdjson::dom::parser shared_parser;
  JsonDocument parsed;
  // simdjson copies the text with memcpy, which must not get the null data() of an empty
  // default-constructed string_view.
  if (json.data() == nullptr) json = std::string_view("", 0);
  simdjson::dom::parser* parser = &shared_parser;
  if (json.size() >= KEEP_PARSER_BELOW) {
    parsed.owned = std::make_unique<simdjson::dom::parser>();
    parser = parsed.owned.get();
  }
  auto error = parser->parse(json.data(), json.size()).get(parsed.root);
  if (error) {
    parsed.error = std::string("not JSON: ") + simdjson::error_message(error);
  } else if (!parsed.root.is_object()) {
    parsed.error = "not a JSON object";
  }
  return parsed;
}

std::string CheckJsonObject(std::string_view json) { return ParseJsonObject(json).error; }

std::optional<std::string_view> StringAt(simdjson::dom::element root, std::string_view pointer) {
  std::string_view value;
  if (root.at_pointer(pointer).get_string().get(value)) return std::nullopt;
  return value;
}

bool RequireString(simdjson::dom::element root, std::string_view pointer, std::string_view what,
                   std::string& out, std::string& error) {
  std::optional<std::string_view> value = StringAt(root, pointer);
  if (!value) {
    error = std::string(what) + " missing or not a string";
    return false;
  }
  out.assign(*value);
  return true;
}

PayloadResult ParsePushPayload(std::string_view json) {
  PayloadResult result;
  JsonDocument parsed = ParseJsonObject(json);
  if (!parsed.error.empty()) {
    result.error = parsed.error;
    return result;
  }
  simdjson::dom::object root = parsed.root.get_object().value_unsafe();

  std::string_view ref;
  if (root["ref"].get_string().get(ref)) {
    result.error = "ref missing or not a string";
    return result;
  }
  std::string_view repository;
  if (root.at_pointer("/repository/full_name").get_string().get(repository)) {
    result.error = "repository.full_name missing or not a string";
    return result;
  }
  simdjson::dom::element after;
  std::string_view after_text;
  if (!root["after"].get(after) && after.get_string().get(after_text)) {
    result.error = "after is not a string";
    return result;
  }
  simdjson::dom::element deleted;
  bool deleted_flag = false;
  if (!root["deleted"].get(deleted) && !deleted.is_null() && deleted.get_bool().get(deleted_flag)) {
    result.error = "deleted is not a boolean";
    return result;
  }
  result.ok = true;
  result.push = {std::string(ref), std::string(repository), std::string(after_text), deleted_flag};
  return result;
}

}  // namespace deployhook
