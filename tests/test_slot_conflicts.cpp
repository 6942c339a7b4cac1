// What stops a compose file from running in both blue-green slots, read from `compose config`
// as compose v1 and v2 print it.

#include <boost/test/unit_test.hpp>

#include "deploy/slot_conflicts.hpp"

namespace deployhook {
namespace {

// docker-compose 1.29 config of a file with a container_name, a fixed port and the slot's port.
constexpr std::string_view V1 = R"(services:
  app:
    container_name: shop
    image: x/app:latest
    ports:
    - 127.0.0.1:8080:80/tcp
    - published: 8081
      target: 81
  web:
    image: x/web
    ports:
    - published: 9090
      target: 80
  worker:
    image: x/worker
    ports:
    - 8081:82/tcp
    - '83'
version: '2.4'
)";

// docker compose 2.26 config of the same file.
constexpr std::string_view V2 = R"(name: cc
services:
  app:
    container_name: shop
    image: x/app:latest
    networks:
      default: null
    ports:
      - mode: ingress
        host_ip: 127.0.0.1
        target: 80
        published: "8080"
        protocol: tcp
      - mode: ingress
        target: 81
        published: "8081"
        protocol: tcp
  web:
    image: x/web
    ports:
      - mode: ingress
        target: 80
        published: "9090"
        protocol: tcp
networks:
  default:
    name: cc_default
)";

}  // namespace

BOOST_AUTO_TEST_SUITE(slot_conflicts)

BOOST_AUTO_TEST_CASE(finds_the_container_name_and_the_fixed_ports_in_both_generations) {
  for (std::string_view config : {V1, V2}) {
    std::vector<std::string> found = SlotConflicts(config, 8081);
    BOOST_TEST_REQUIRE(found.size() == 3u, config);
    BOOST_TEST(found[0].starts_with("service app: container_name shop"), found[0]);
    BOOST_TEST(found[1].starts_with("service app: ports: host port 8080 "), found[1]);
    BOOST_TEST(found[2].starts_with("service web: ports: host port 9090 "), found[2]);
  }
}

BOOST_AUTO_TEST_CASE(a_file_of_slot_ports_and_host_networking_has_none) {
  constexpr std::string_view config = R"(services:
  app:
    image: x/app
    network_mode: host
    command:
    - httpd
    - -p
    - 127.0.0.1:8082
  side:
    image: x/side
    ports:
    - 127.0.0.1:8082:80/tcp
    - '9000'
)";
  BOOST_TEST(SlotConflicts(config, 8082).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
