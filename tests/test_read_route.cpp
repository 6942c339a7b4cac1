// Which read-side page a GET below the hook path asks for, and who may read it.

#include <boost/test/unit_test.hpp>

#include "read/read_access.hpp"
#include "read/read_route.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(read_route)

BOOST_AUTO_TEST_CASE(routes_each_page) {
  BOOST_TEST((ParseReadRoute("/")->page == ReadPage::Page));
  BOOST_TEST((ParseReadRoute("/metrics")->page == ReadPage::Metrics));
  BOOST_TEST((ParseReadRoute("/status")->page == ReadPage::Status));
  auto log = ParseReadRoute("/runs/20261126T210546411Z-bb4bcb9b/log");
  BOOST_TEST_REQUIRE(log.has_value());
  BOOST_TEST((log->page == ReadPage::RunLog));
  BOOST_TEST(log->argument == "20261126T210546411Z-bb4bcb9b");
  auto badge = ParseReadRoute("/badge/web_2.svg");
  BOOST_TEST_REQUIRE(badge.has_value());
  BOOST_TEST(badge->argument == "web_2");
}

BOOST_AUTO_TEST_CASE(refuses_unknown_paths_and_names_outside_their_charset) {
  for (std::string_view path : {"/metric", "/status/", "/runs//log", "/runs/../../etc/passwd/log",
                                "/runs/a%2fb/log", "/badge/.svg", "/badge/Web.svg", "/badge/a/b.svg",
                                "/runs/x/log/extra", "/index.html"}) {
    BOOST_TEST(!ParseReadRoute(path).has_value(), path);
  }
  BOOST_TEST(!ParseReadRoute("/runs/" + std::string(200, 'a') + "/log").has_value());
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

BOOST_AUTO_TEST_CASE(is_closed_without_a_token) {
  ReadRoute metrics{ReadPage::Metrics, {}};
  BOOST_TEST((CheckReadAccess(metrics, "Bearer x", std::nullopt, false) == ReadAccess::Closed));
}

BOOST_AUTO_TEST_CASE(needs_the_exact_bearer_token) {
  ReadRoute status{ReadPage::Status, {}};
  std::optional<std::string> token = "s3cret-token";
  BOOST_TEST((CheckReadAccess(status, "Bearer s3cret-token", token, false) == ReadAccess::Open));
  for (std::optional<std::string_view> sent : {std::optional<std::string_view>{}, std::optional<std::string_view>{"Bearer s3cret-toke"},
                                               std::optional<std::string_view>{"Bearer s3cret-token2"},
                                               std::optional<std::string_view>{"Basic s3cret-token"},
                                               std::optional<std::string_view>{"s3cret-token"}}) {
    BOOST_TEST((CheckReadAccess(status, sent, token, false) == ReadAccess::Unauthorized));
  }
}

BOOST_AUTO_TEST_CASE(public_badges_open_badges_alone) {
  ReadRoute badge{ReadPage::Badge, "web"};
  ReadRoute page{ReadPage::Page, {}};
  BOOST_TEST((CheckReadAccess(badge, std::nullopt, std::nullopt, true) == ReadAccess::Open));
  BOOST_TEST((CheckReadAccess(page, std::nullopt, std::nullopt, true) == ReadAccess::Closed));
  BOOST_TEST((CheckReadAccess(badge, std::nullopt, std::nullopt, false) == ReadAccess::Closed));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
