#include "config/table_reader.hpp"

#include <algorithm>
#include <sstream>

#include "config/config.hpp"
#include "util/closest_name.hpp"

namespace deployhook {

std::string OneLine(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      static constexpr char HEX[] = "0123456789abcdef";
      out += "\\x";
      out += HEX[c >> 4];
      out += HEX[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

std::string TableReader::Where(const toml::node* node, std::string_view key,
                               std::string_view what) const {
  // A key missing from a [[target]] is reported at that table's header line.
  if (node == nullptr && !prefix_.empty()) node = &table_;
  std::ostringstream out;
  out << file_.name;
  if (node != nullptr) out << ':' << node->source().begin.line;
  out << ": " << prefix_ << key << ": " << what;
  return OneLine(out.str());
}

void TableReader::Fail(const toml::node* node, std::string_view key, std::string_view what) const {
  throw ConfigError(Where(node, key, what));
}

std::optional<std::string> TableReader::String(std::string_view key) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_string()) Fail(node, key, "expected a string");
  return node->as_string()->get();
}

std::string TableReader::RequiredString(std::string_view key) const {
  std::optional<std::string> value = String(key);
  if (!value) Fail(nullptr, key, "missing (required)");
  if (value->empty()) Fail(Find(key), key, "must not be empty");
  return *value;
}

std::optional<std::int64_t> TableReader::Integer(std::string_view key, std::int64_t min,
                                                 std::int64_t max) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_integer()) Fail(node, key, "expected an integer");
  std::int64_t value = node->as_integer()->get();
  if (value < min || value > max) {
    Fail(node, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return value;
}

std::optional<bool> TableReader::Boolean(std::string_view key) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  if (!node->is_boolean()) Fail(node, key, "expected true or false");
  return node->as_boolean()->get();
}

std::optional<std::vector<std::string>> TableReader::Strings(std::string_view key) const {
  const toml::node* node = Find(key);
  if (node == nullptr) return std::nullopt;
  const toml::array* array = node->as_array();
  if (array == nullptr) Fail(node, key, "expected an array of strings");
  std::vector<std::string> values;
  for (const toml::node& item : *array) {
    if (!item.is_string()) Fail(&item, key, "expected an array of strings");
    if (item.as_string()->get().empty()) Fail(&item, key, "must not contain empty strings");
    values.push_back(item.as_string()->get());
  }
  return values;
}

std::filesystem::path TableReader::Resolve(const std::string& value) const {
  std::filesystem::path path(value);
  return path.is_absolute() ? path : file_.path.parent_path() / path;
}

std::optional<std::filesystem::path> TableReader::Path(std::string_view key) const {
  std::optional<std::string> value = String(key);
  if (!value) return std::nullopt;
  return Resolve(*value);
}

void TableReader::RejectUnknownKeys(KeyList known) const {
  for (const auto& [key, node] : table_) {
    if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
    std::ostringstream out;
    out << file_.name << ':' << key.source().begin.line << ": " << prefix_ << key.str()
        << ": unknown key";
    if (std::optional<std::string> meant = ClosestName(key.str(), known)) {
      out << " (did you mean " << *meant << "?)";
    }
    throw ConfigError(OneLine(out.str()));
  }
}

}  // namespace deployhook
