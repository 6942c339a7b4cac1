#include "http/hook_route.hpp"

#include <optional>

#include "read/read_route.hpp"

namespace deployhook {

HookRoute RouteRequest(std::string_view method, std::string_view request_path,
                       std::string_view hook_path) noexcept {
  std::optional<std::string_view> below = PathBelow(request_path, hook_path);
  if (!below) return {};
  if (method != "POST") return {.kind = HookRouteKind::Read, .target = {}};
  return {.kind = HookRouteKind::TargetDelivery, .target = below->substr(1)};
}

}  // namespace deployhook
