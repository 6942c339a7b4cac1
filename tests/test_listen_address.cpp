// ADDR: "unix:/path/to.sock", "HOST:PORT" or "[IPV6]:PORT".

#include <boost/test/unit_test.hpp>

#include "config/listen_address.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(listen_address)

BOOST_AUTO_TEST_CASE(parses_unix_socket_path) {
  std::optional<ListenAddress> address = ParseListenAddress("unix:/run/deployhook/deployhook.sock");
  BOOST_TEST_REQUIRE(address.has_value());
  BOOST_TEST(address->is_unix);
  BOOST_TEST(address->path == "/run/deployhook/deployhook.sock");
}

BOOST_AUTO_TEST_CASE(accepts_unix_path_up_to_what_sockaddr_un_holds) {
  // sun_path holds 108 bytes with the terminating NUL.
  std::string longest = "/" + std::string(106, 's');
  BOOST_TEST(ParseListenAddress("unix:" + longest).value_or(ListenAddress{}).path == longest);
  BOOST_TEST(!ParseListenAddress("unix:" + longest + "s"));
}

BOOST_AUTO_TEST_CASE(rejects_relative_or_empty_unix_path) {
  BOOST_TEST(!ParseListenAddress("unix:"));
  BOOST_TEST(!ParseListenAddress("unix:deployhook.sock"));
  BOOST_TEST(!ParseListenAddress("unix:./deployhook.sock"));
}

BOOST_AUTO_TEST_CASE(parses_host_and_port) {
  std::optional<ListenAddress> address = ParseListenAddress("127.0.0.1:9000");
  BOOST_TEST_REQUIRE(address.has_value());
  BOOST_TEST(!address->is_unix);
  BOOST_TEST(address->host == "127.0.0.1");
  BOOST_TEST(address->port == 9000);
}

BOOST_AUTO_TEST_CASE(parses_any_address_and_port_edges) {
  BOOST_TEST(ParseListenAddress("*:1").value_or(ListenAddress{}).host == "*");
  BOOST_TEST(ParseListenAddress(":65535").value_or(ListenAddress{}).port == 65535);
}

BOOST_AUTO_TEST_CASE(parses_bracketed_ipv6_host_without_its_brackets) {
  // getaddrinfo resolves "::1", not "[::1]".
  std::optional<ListenAddress> loopback = ParseListenAddress("[::1]:9000");
  BOOST_TEST_REQUIRE(loopback.has_value());
  BOOST_TEST(loopback->host == "::1");
  BOOST_TEST(loopback->port == 9000);
  BOOST_TEST(ParseListenAddress("[::]:80").value_or(ListenAddress{}).host == "::");
  BOOST_TEST(ParseListenAddress("[fe80::1%eth0]:80").value_or(ListenAddress{}).host ==
             "fe80::1%eth0");
}

BOOST_AUTO_TEST_CASE(rejects_ipv6_host_without_brackets_or_with_broken_ones) {
  // Unbracketed, "::1:9000" would silently mean host "::1" port 9000, or host "::" port 1.
  for (std::string_view text : {"::1:9000", "[::1:9000", "::1]:9000", "[]:9000", "[[::1]]:9000",
                                "[::1]x:9000"}) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!ParseListenAddress(text)); }
  }
}

BOOST_AUTO_TEST_CASE(rejects_bad_ports) {
  // Zero, too large, negative, signed, not a number, empty, trailing junk, spaces, overflow.
  for (std::string_view text : {"localhost:0", "localhost:65536", "localhost:-1", "localhost:+80",
                                "localhost:http", "localhost:", "localhost:80x", "localhost: 80",
                                "localhost:99999999999999999999"}) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!ParseListenAddress(text)); }
  }
}

BOOST_AUTO_TEST_CASE(rejects_text_that_is_neither_form) {
  BOOST_TEST(!ParseListenAddress("localhost"));
  BOOST_TEST(!ParseListenAddress(""));
  BOOST_TEST(!ParseListenAddress("/run/deployhook.sock"));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
