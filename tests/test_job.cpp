// One queued job as one line of JSON, and back.

#include <boost/test/unit_test.hpp>

#include "state/job.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(job)

BOOST_AUTO_TEST_CASE(serialize_then_parse_round_trips) {
  Job job{.id = "20261126T210501123Z-1a2b3c4d",
          .target = "web",
          .delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
          .repository = "Octo/App",
          .ref = "refs/heads/feature/\"quoted\"\\slash",
          .after = "366701fde727cb7a9e7f21eb88264f59f6f9b89c",
          .body_sha256 = std::string(64, 'a'),
          .queued_at = "2026-11-26T21:05:01.123Z"};
  std::string line = SerializeJob(job);
  BOOST_TEST(line.find('\n') == std::string::npos);
  std::optional<Job> parsed = ParseJob(line);
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->id == job.id);
  BOOST_TEST(parsed->target == job.target);
  BOOST_TEST(parsed->delivery == job.delivery);
  BOOST_TEST(parsed->repository == job.repository);
  BOOST_TEST(parsed->ref == job.ref);
  BOOST_TEST(parsed->after == job.after);
  BOOST_TEST(parsed->body_sha256 == job.body_sha256);
  BOOST_TEST(parsed->queued_at == job.queued_at);
}

BOOST_AUTO_TEST_CASE(round_trips_a_manual_job_with_empty_fields) {
  Job job{.id = "20261126T210501123Z-1a2b3c4d", .target = "web", .delivery = "manual",
          .repository = "", .ref = "", .after = "", .body_sha256 = "",
          .queued_at = "2026-11-26T21:05:01.123Z"};
  std::optional<Job> parsed = ParseJob(SerializeJob(job));
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->delivery == "manual");
  BOOST_TEST(parsed->after.empty());
}

BOOST_AUTO_TEST_CASE(keeps_a_delivery_id_with_control_characters_on_one_line) {
  Job job{.id = "1", .target = "web", .delivery = "evil\nline\x01", .repository = "o/r",
          .ref = "refs/heads/main", .after = "", .body_sha256 = "", .queued_at = "t"};
  std::string line = SerializeJob(job);
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(ParseJob(line).value_or(Job{}).delivery == job.delivery);
}

BOOST_AUTO_TEST_CASE(round_trips_the_snapshot_of_the_images_a_run_replaces) {
  Job job{.id = "1", .target = "web", .delivery = "d", .repository = "o/r",
          .ref = "refs/heads/main", .after = "", .body_sha256 = "", .queued_at = "t"};
  BOOST_TEST(SerializeJob(job).find("snapshot") == std::string::npos);
  BOOST_TEST(!ParseJob(SerializeJob(job))->snapshot.has_value());
  job.snapshot = std::vector<ContainerImage>{
      {.image_id = "sha256:0ld", .reference = "registry.local/app:latest", .service = "app"},
      {.image_id = "sha256:cache", .reference = "redis:7", .service = "cache"}};
  std::optional<Job> parsed = ParseJob(SerializeJob(job));
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST_REQUIRE(parsed->snapshot.has_value());
  BOOST_TEST_REQUIRE(parsed->snapshot->size() == 2u);
  BOOST_TEST((*parsed->snapshot)[1].image_id == "sha256:cache");
  BOOST_TEST((*parsed->snapshot)[1].reference == "redis:7");
  BOOST_TEST((*parsed->snapshot)[1].service == "cache");
}

BOOST_AUTO_TEST_CASE(an_empty_snapshot_is_still_a_snapshot) {
  // A run whose target had no containers yet noted "nothing to go back to".
  Job job{.id = "1", .target = "web", .delivery = "d", .repository = "o/r",
          .ref = "refs/heads/main", .after = "", .body_sha256 = "", .queued_at = "t",
          .snapshot = std::vector<ContainerImage>{}};
  std::optional<Job> parsed = ParseJob(SerializeJob(job));
  BOOST_TEST_REQUIRE(parsed.has_value());
  BOOST_TEST(parsed->snapshot.has_value());
  BOOST_TEST(parsed->snapshot->empty());
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_a_job) {
  const std::string_view not_jobs[] = {
      "",                                        // empty
      "{\"id\": \"1\"",                          // cut off
      "[]",                                      // not an object
      R"({"id": "1", "target": "web"})",         // fields missing
      R"({"id": 1, "target": "web", "delivery": "d", "repository": "r", "ref": "f", "after": "a", "body_sha256": "", "queued_at": "t"})",  // id not a string
      R"({"id": "", "target": "web", "delivery": "d", "repository": "r", "ref": "f", "after": "a", "body_sha256": "", "queued_at": "t"})",  // empty id
      R"({"id": "1", "target": "", "delivery": "d", "repository": "r", "ref": "f", "after": "a", "body_sha256": "", "queued_at": "t"})",   // empty target
      R"({"id": "1", "target": "w", "delivery": "d", "repository": "r", "ref": "f", "after": "a", "body_sha256": "", "queued_at": "t", "snapshot": {}})",  // snapshot not an array
      R"({"id": "1", "target": "w", "delivery": "d", "repository": "r", "ref": "f", "after": "a", "body_sha256": "", "queued_at": "t", "snapshot": [{"service": "app"}]})",  // image fields missing
  };
  for (std::string_view text : not_jobs) {
    BOOST_TEST_CONTEXT(text) { BOOST_TEST(!ParseJob(text).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
