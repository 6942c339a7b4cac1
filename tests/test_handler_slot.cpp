// The request side's config, replaced whole on reload: a request keeps the handler it started
// with, the next one gets the new config.

#include <boost/test/unit_test.hpp>

#include "http/handler_slot.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

std::shared_ptr<const Config> ConfigWithBodyLimit(std::uint64_t max_body_bytes) {
  auto config = std::make_shared<Config>();
  config->max_body_bytes = max_body_bytes;
  config->targets = {testing::MakeTarget("app", "octo/app", "main")};
  return config;
}

// Returns true when the handler would read a body of 100 bytes rather than answer 413.
bool Takes100Bytes(const Handler& handler) {
  testing::Request delivery = testing::SignedPush(std::string(100, ' '), "secret");
  return !handler.CheckHead(delivery.Head()).rejection.has_value();
}

struct Slot {
  testing::TempDir state;
  testing::RecordingJobSink sink;
  DeliveryMemory memory{state.Path()};
  testing::LogCapture log;
  HandlerSlot slot{ConfigWithBodyLimit(10), sink, memory, log.logger()};
};

}  // namespace

BOOST_AUTO_TEST_SUITE(handler_slot)

BOOST_FIXTURE_TEST_CASE(serves_the_config_it_was_given, Slot) {
  BOOST_TEST(slot.CurrentConfig()->max_body_bytes == 10u);
  BOOST_TEST(!Takes100Bytes(*slot.Current()));
}

BOOST_FIXTURE_TEST_CASE(gives_requests_after_a_replace_the_new_config, Slot) {
  slot.Replace(ConfigWithBodyLimit(1000));
  BOOST_TEST(slot.CurrentConfig()->max_body_bytes == 1000u);
  BOOST_TEST(Takes100Bytes(*slot.Current()));
}

BOOST_FIXTURE_TEST_CASE(lets_a_request_in_progress_finish_with_the_config_it_started_with, Slot) {
  std::shared_ptr<Handler> in_progress = slot.Current();
  slot.Replace(ConfigWithBodyLimit(1000));
  // The old handler and its config are still whole, though no longer current.
  BOOST_TEST(!Takes100Bytes(*in_progress));
  BOOST_TEST(Takes100Bytes(*slot.Current()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
