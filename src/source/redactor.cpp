#include "source/redactor.hpp"

#include <algorithm>

namespace deployhook {
namespace {

std::string_view Trim(std::string_view text) {
  constexpr std::string_view SPACE = " \t\r";
  std::size_t first = text.find_first_not_of(SPACE);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(SPACE) - first + 1);
}

bool IsKey(std::string_view key) {
  if (key.starts_with("export ")) key = Trim(key.substr(7));
  return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

std::string_view Unquoted(std::string_view value) {
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

}  // namespace

void Redactor::Add(std::string_view value) {
  if (value.size() < MIN_LENGTH || std::find(values_.begin(), values_.end(), value) != values_.end()) return;
  auto at = std::find_if(values_.begin(), values_.end(), [&](const std::string& v) { return v.size() < value.size(); });
  values_.insert(at, std::string(value));
}

std::string Redactor::Apply(std::string_view text) const {
  std::string out(text);
  for (const std::string& value : values_) {
    for (std::size_t at = out.find(value); at != std::string::npos; at = out.find(value, at + REDACTED.size())) {
      out.replace(at, value.size(), REDACTED);
    }
  }
  return out;
}

std::vector<std::string> SecretValues(std::string_view content) {
  std::vector<std::string> values;
  while (!content.empty()) {
    std::size_t end = content.find('\n');
    std::string_view line = Trim(content.substr(0, end));
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t eq = line.find('=');
    if (eq != std::string_view::npos && IsKey(Trim(line.substr(0, eq)))) {
      line = Unquoted(Trim(line.substr(eq + 1)));
    }
    if (!line.empty()) values.emplace_back(line);
  }
  return values;
}

}  // namespace deployhook
