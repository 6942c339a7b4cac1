// The durable queue in state_dir/queue/<target>: what is written whole is what Pending lists.

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "state/durable_file.hpp"
#include "state/job_queue.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

namespace fs = std::filesystem;

Job MakeJob(std::string id, std::string target = "web", std::string after = "abc123") {
  return {std::move(id), std::move(target), "delivery-" + id, "octo/app", "refs/heads/main",
          std::move(after), std::string(64, 'e'), "2026-11-26T21:05:01.123Z", std::nullopt, {}, {}};
}

bool SameJob(const Job& a, const Job& b) {
  return a.id == b.id && a.target == b.target && a.delivery == b.delivery &&
         a.repository == b.repository && a.ref == b.ref && a.after == b.after &&
         a.body_sha256 == b.body_sha256 && a.queued_at == b.queued_at;
}

std::vector<std::string> Ids(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const Job& job : jobs) ids.push_back(job.id);
  return ids;
}

struct QueueDir {
  testing::TempDir state;
  JobQueue queue{state.Path()};

  fs::path TargetDir(std::string_view target) const { return state / "queue" / target; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(job_queue)

BOOST_FIXTURE_TEST_CASE(rewrites_a_queued_job_in_place, QueueDir) {
  int wakes = 0;
  queue.OnEnqueue([&] { ++wakes; });
  Job job = MakeJob("1");
  queue.Enqueue({job});
  job.snapshot = std::vector<ContainerImage>{{"sha256:0ld", "app:latest", "app"}};
  queue.Rewrite({job});
  std::vector<Job> pending = queue.Pending("web");
  BOOST_TEST_REQUIRE(pending.size() == 1u);
  BOOST_TEST(pending[0].snapshot.has_value());
  BOOST_TEST(wakes == 1);  // a rewrite is not news for the runner
}

BOOST_FIXTURE_TEST_CASE(enqueue_then_pending_round_trips, QueueDir) {
  Job first = MakeJob("20261126T210501123Z-00000001");
  Job second = MakeJob("20261126T210502000Z-00000002", "web", "");
  queue.Enqueue({first, second});
  std::vector<Job> pending = queue.Pending("web");
  BOOST_TEST_REQUIRE(pending.size() == 2u);
  BOOST_TEST(SameJob(pending[0], first));
  BOOST_TEST(SameJob(pending[1], second));
}

BOOST_FIXTURE_TEST_CASE(lists_jobs_oldest_first_whatever_the_write_order, QueueDir) {
  queue.Enqueue({MakeJob("20261126T210503000Z-c")});
  queue.Enqueue({MakeJob("20261126T210501000Z-a")});
  queue.Enqueue({MakeJob("20261126T210502000Z-b")});
  BOOST_TEST(Ids(queue.Pending("web")) ==
             (std::vector<std::string>{"20261126T210501000Z-a", "20261126T210502000Z-b",
                                       "20261126T210503000Z-c"}));
}

BOOST_FIXTURE_TEST_CASE(keeps_each_targets_jobs_apart, QueueDir) {
  queue.Enqueue({MakeJob("1", "web"), MakeJob("2", "worker")});
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"1"});
  BOOST_TEST(Ids(queue.Pending("worker")) == std::vector<std::string>{"2"});
  BOOST_TEST(queue.Pending("unknown").empty());
}

BOOST_FIXTURE_TEST_CASE(a_written_job_is_read_by_another_process, QueueDir) {
  Job job = MakeJob("20261126T210501123Z-0000abcd");
  queue.Enqueue({job});
  pid_t child = ::fork();
  BOOST_TEST_REQUIRE(child >= 0);
  if (child == 0) {
    // A second worker process: its own JobQueue over the same state_dir. No Boost.Test here.
    std::vector<Job> seen = JobQueue(state.Path()).Pending("web");
    ::_exit(seen.size() == 1 && SameJob(seen[0], job) ? 0 : 1);
  }
  int status = 0;
  BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}

BOOST_FIXTURE_TEST_CASE(leaves_no_temporary_files_behind, QueueDir) {
  queue.Enqueue({MakeJob("1"), MakeJob("2")});
  for (const auto& entry : fs::directory_iterator(TargetDir("web"))) {
    BOOST_TEST(entry.path().extension() == ".json", entry.path());
  }
}

BOOST_FIXTURE_TEST_CASE(never_lists_a_file_still_being_written, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  // What WriteFileDurably leaves while it writes: a complete job and a half-written one.
  testing::WriteText(TargetDir("web") / "2.json.tmp-4242-0", SerializeJob(MakeJob("2")) + "\n");
  std::string half = SerializeJob(MakeJob("3"));
  testing::WriteText(TargetDir("web") / "3.json.tmp-4242-1", half.substr(0, half.size() / 2));
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"1"});
}

BOOST_FIXTURE_TEST_CASE(counts_queued_files_without_temporaries, QueueDir) {
  BOOST_TEST(queue.Count("web") == 0u);  // no directory yet
  queue.Enqueue({MakeJob("1"), MakeJob("2"), MakeJob("3", "worker")});
  testing::WriteText(TargetDir("web") / "4.json.tmp-4242-0", SerializeJob(MakeJob("4")));
  BOOST_TEST(queue.Count("web") == 2u);
  BOOST_TEST(queue.Count("worker") == 1u);
  queue.Remove({MakeJob("1")});
  BOOST_TEST(queue.Count("web") == 1u);
}

BOOST_FIXTURE_TEST_CASE(skips_unreadable_job_files, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  // Not a job: truncated JSON, another JSON value, an empty file.
  testing::WriteText(TargetDir("web") / "2.json", "{\"id\": \"2\", \"tar");
  testing::WriteText(TargetDir("web") / "3.json", "[]");
  testing::WriteText(TargetDir("web") / "4.json", "");
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"1"});
}

BOOST_FIXTURE_TEST_CASE(remove_deletes_only_the_given_jobs, QueueDir) {
  queue.Enqueue({MakeJob("1"), MakeJob("2"), MakeJob("3")});
  queue.Remove({MakeJob("1"), MakeJob("3")});
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"2"});
  // Removing what is already gone is not an error.
  BOOST_CHECK_NO_THROW(queue.Remove({MakeJob("1")}));
}

BOOST_FIXTURE_TEST_CASE(calls_back_after_each_enqueue, QueueDir) {
  int calls = 0;
  queue.OnEnqueue([&] {
    ++calls;
    BOOST_TEST(queue.Pending("web").size() == static_cast<std::size_t>(calls));
  });
  queue.Enqueue({MakeJob("1")});
  queue.Enqueue({MakeJob("2")});
  BOOST_TEST(calls == 2);
}

BOOST_FIXTURE_TEST_CASE(throws_storage_error_when_the_state_dir_is_unusable, QueueDir) {
  testing::WriteText(state / "file", "x");
  JobQueue broken(state / "file");
  BOOST_CHECK_THROW(broken.Enqueue({MakeJob("1")}), StorageError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
