// Which read-side page a GET below the hook path asks for.

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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
