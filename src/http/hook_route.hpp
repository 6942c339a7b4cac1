#pragma once
// Where a request goes by its method and path: the deliveries of every target (the hook path
// itself), one target's deliveries (POST <hook_path>/<target name>), or the read side (any
// other method below the hook path).

#include <optional>
#include <string_view>

namespace deployhook {

enum class HookRouteKind { Delivery, TargetDelivery, Read };

struct HookRoute {
  HookRouteKind kind = HookRouteKind::Delivery;
  std::string_view target;  // TargetDelivery: what follows "<hook_path>/", maybe no target's name
};

// Returns the route of a request for `request_path` (REQUEST_URI, its query ignored, else
// DOCUMENT_URI). A path that is not below `hook_path` is a delivery to every target: the proxy
// forwards only the hook's own path there.
// Returns the request path (REQUEST_URI without its query string, else DOCUMENT_URI) relative
// to `hook_path` when it lies strictly below it ("/..."); nothing otherwise.
std::optional<std::string_view> PathBelow(std::string_view request_path, std::string_view hook_path);

HookRoute RouteRequest(std::string_view method, std::string_view request_path,
                       std::string_view hook_path) noexcept;

}  // namespace deployhook
