// Which requests are deliveries for every target, for one target, or for the read side.

#include <boost/test/unit_test.hpp>

#include "http/hook_route.hpp"

namespace deployhook {

constexpr std::string_view HOOK = "/webhook/deploy";

BOOST_AUTO_TEST_SUITE(hook_route)

BOOST_AUTO_TEST_CASE(the_hook_path_itself_takes_deliveries_for_every_target) {
  for (std::string_view method : {"POST", "GET", "PUT"}) {
    BOOST_TEST_CONTEXT(method) {
      BOOST_TEST((RouteRequest(method, "/webhook/deploy", HOOK).kind == HookRouteKind::Delivery));
      BOOST_TEST((RouteRequest(method, "/webhook/deploy?x=1", HOOK).kind == HookRouteKind::Delivery));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_post_below_the_hook_path_is_for_the_target_it_names) {
  HookRoute route = RouteRequest("POST", "/webhook/deploy/shop", HOOK);
  BOOST_TEST((route.kind == HookRouteKind::TargetDelivery));
  BOOST_TEST(route.target == "shop");
  BOOST_TEST(RouteRequest("POST", "/webhook/deploy/shop?from=github", HOOK).target == "shop");
  BOOST_TEST(RouteRequest("POST", "/webhook/deploy/shop", "/webhook/deploy/").target == "shop");
  // A name of no target is still the target route: the handler answers 404.
  BOOST_TEST(RouteRequest("POST", "/webhook/deploy/a/b", HOOK).target == "a/b");
  BOOST_TEST(RouteRequest("POST", "/webhook/deploy/", HOOK).target == "");
  // Read-side words are target names to a POST.
  BOOST_TEST(RouteRequest("POST", "/webhook/deploy/metrics", HOOK).target == "metrics");
}

BOOST_AUTO_TEST_CASE(other_methods_below_the_hook_path_are_the_read_side) {
  for (std::string_view method : {"GET", "HEAD", "DELETE"}) {
    BOOST_TEST_CONTEXT(method) {
      BOOST_TEST((RouteRequest(method, "/webhook/deploy/metrics", HOOK).kind == HookRouteKind::Read));
      BOOST_TEST((RouteRequest(method, "/webhook/deploy/shop", HOOK).kind == HookRouteKind::Read));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_path_beside_the_hook_path_is_not_below_it) {
  BOOST_TEST((RouteRequest("POST", "/webhook/deployer/shop", HOOK).kind == HookRouteKind::Delivery));
}

BOOST_AUTO_TEST_CASE(finds_the_path_below_the_hook_path) {
  BOOST_TEST(PathBelow("/webhook/deploy/metrics", "/webhook/deploy").value_or("?") == "/metrics");
  BOOST_TEST(PathBelow("/webhook/deploy/?x=1", "/webhook/deploy").value_or("?") == "/");
  BOOST_TEST(PathBelow("/webhook/deploy/status", "/webhook/deploy/").value_or("?") == "/status");
  BOOST_TEST(!PathBelow("/webhook/deploy", "/webhook/deploy").has_value());
  BOOST_TEST(!PathBelow("/webhook/deploy?x", "/webhook/deploy").has_value());
  BOOST_TEST(!PathBelow("/webhook/deployer/metrics", "/webhook/deploy").has_value());
  BOOST_TEST(!PathBelow("/other/metrics", "/webhook/deploy").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
