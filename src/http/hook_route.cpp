#include "http/hook_route.hpp"

#include <optional>

namespace deployhook {

std::optional<std::string_view> PathBelow(std::string_view request_path, std::string_view hook_path) {
  request_path = request_path.substr(0, request_path.find('?'));
  while (hook_path.size() > 1 && hook_path.back() == '/') hook_path.remove_suffix(1);
  if (!request_path.starts_with(hook_path)) return std::nullopt;
  std::string_view below = request_path.substr(hook_path.size());
  if (below.empty() || below.front() != '/') return std::nullopt;
  return below;
}

HookRoute RouteRequest(std::string_view method, std::string_view request_path,
                       std::string_view hook_path) noexcept {
  std::optional<std::string_view> below = PathBelow(request_path, hook_path);
  if (!below) return {};
  if (method != "POST") return {.kind = HookRouteKind::Read, .target = {}};
  return {.kind = HookRouteKind::TargetDelivery, .target = below->substr(1)};
}

}  // namespace deployhook
