#include "read/read_route.hpp"

#include <algorithm>

namespace deployhook {
namespace {

constexpr std::size_t MAX_NAME = 128;

bool IsName(std::string_view text, bool upper_too) {
  return !text.empty() && text.size() <= MAX_NAME && std::all_of(text.begin(), text.end(), [&](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
                  (upper_too && c >= 'A' && c <= 'Z');
         });
}

std::optional<std::string_view> Between(std::string_view text, std::string_view prefix, std::string_view suffix) {
  if (!text.starts_with(prefix) || !text.ends_with(suffix) || text.size() < prefix.size() + suffix.size()) {
    return std::nullopt;
  }
  return text.substr(prefix.size(), text.size() - prefix.size() - suffix.size());
}

}  // namespace

std::optional<ReadRoute> ParseReadRoute(std::string_view below) {
  if (below == "/" || below.empty()) return ReadRoute{ReadPage::Page, {}};
  if (below == "/metrics") return ReadRoute{ReadPage::Metrics, {}};
  if (below == "/status") return ReadRoute{ReadPage::Status, {}};
  if (auto id = Between(below, "/runs/", "/log"); id && IsName(*id, true)) {
    return ReadRoute{ReadPage::RunLog, std::string(*id)};
  }
  if (auto target = Between(below, "/badge/", ".svg"); target && IsName(*target, false)) {
    return ReadRoute{ReadPage::Badge, std::string(*target)};
  }
  return std::nullopt;
}

std::optional<std::string_view> PathBelow(std::string_view request_path, std::string_view hook_path) {
  request_path = request_path.substr(0, request_path.find('?'));
  while (hook_path.size() > 1 && hook_path.back() == '/') hook_path.remove_suffix(1);
  if (!request_path.starts_with(hook_path)) return std::nullopt;
  std::string_view below = request_path.substr(hook_path.size());
  if (below.empty() || below.front() != '/') return std::nullopt;
  return below;
}

}  // namespace deployhook
