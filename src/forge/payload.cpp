#include "forge/payload.hpp"

#include "util/hex.hpp"

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

std::string CommitProblem(std::string_view field, std::string_view commit, bool deleted) {
  if (IsCommitId(commit) || (deleted && commit.empty())) return {};
  return std::string(field) + " is not a commit id";
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

}  // namespace deployhook
