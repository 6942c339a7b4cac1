// The durable queue in state_dir/queue/<target>: what is written whole is what Pending lists.

#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>

#include "state/durable_file.hpp"
#include "state/job_queue.hpp"
#include "state/rejected_jobs.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

namespace fs = std::filesystem;

Job MakeJob(std::string id, std::string target = "web", std::string after = "abc123") {
  std::string delivery = "delivery-" + id;
  return {.id = std::move(id), .target = std::move(target), .delivery = std::move(delivery),
          .repository = "octo/app", .ref = "refs/heads/main", .after = std::move(after),
          .body_sha256 = std::string(64, 'e'), .queued_at = "2026-11-26T21:05:01.123Z"};
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

  // Writes `content` into the target's queue as `name`, changed long enough ago that nothing
  // could still be copying it in.
  fs::path WriteSettled(std::string_view target, std::string_view name, std::string_view content) const {
    fs::path path = TargetDir(target) / name;
    testing::WriteText(path, content);
    fs::last_write_time(path, fs::file_time_type::clock::now() - std::chrono::minutes(1));
    return path;
  }

  // Returns the names left in the target's queue directory, sorted.
  std::vector<std::string> Names(std::string_view target) const {
    std::vector<std::string> names;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(TargetDir(target), error)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

std::vector<Unfit> Reasons(const QueueScan& scan) {
  std::vector<Unfit> reasons;
  for (const UnfitFile& file : scan.unfit) reasons.push_back(file.why);
  return reasons;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(job_queue)

BOOST_FIXTURE_TEST_CASE(rewrites_a_queued_job_in_place, QueueDir) {
  int wakes = 0;
  queue.OnEnqueue([&] { ++wakes; });
  Job job = MakeJob("1");
  queue.Enqueue({job});
  job.snapshot = std::vector<ContainerImage>{
      {.image_id = "sha256:0ld", .reference = "app:latest", .service = "app"}};
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

BOOST_FIXTURE_TEST_CASE(lists_a_job_copied_under_another_name_once, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  // An operator's `cp 1.json retry.json`: the job inside still says id 1.
  fs::copy_file(TargetDir("web") / "1.json", TargetDir("web") / "retry.json");
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"1"});
}

BOOST_FIXTURE_TEST_CASE(never_lists_another_targets_job, QueueDir) {
  queue.Enqueue({MakeJob("1", "worker")});
  fs::create_directories(TargetDir("web"));
  fs::copy_file(TargetDir("worker") / "1.json", TargetDir("web") / "1.json");
  BOOST_TEST(queue.Pending("web").empty());
  BOOST_TEST(Ids(queue.Pending("worker")) == std::vector<std::string>{"1"});
}

BOOST_FIXTURE_TEST_CASE(a_directory_named_like_a_job_does_not_stop_the_queue, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  fs::create_directories(TargetDir("web") / "2.json");
  std::vector<Job> pending;
  BOOST_CHECK_NO_THROW(pending = queue.Pending("web"));
  BOOST_TEST(Ids(pending) == std::vector<std::string>{"1"});
}

BOOST_FIXTURE_TEST_CASE(scan_says_why_each_file_is_not_a_job, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  // In name order: a directory, another target's job, a copy under another name, empty,
  // cut short, and a name that is not a job file's at all.
  fs::create_directories(TargetDir("web") / "a-directory.json");
  WriteSettled("web", "b-other.json", SerializeJob(MakeJob("b-other", "worker")));
  WriteSettled("web", "c-copy.json", SerializeJob(MakeJob("1")));
  WriteSettled("web", "d-empty.json", "");
  WriteSettled("web", "e-cut.json", "{\"id\": \"e-cut\", \"tar");
  WriteSettled("web", "f-notes.txt", "remember to deploy\n");
  QueueScan scan = queue.Scan("web");
  BOOST_TEST(Ids(scan.jobs) == std::vector<std::string>{"1"});
  BOOST_TEST_REQUIRE(scan.unfit.size() == 6u);
  BOOST_TEST((Reasons(scan) == std::vector<Unfit>{Unfit::NotAFile, Unfit::OtherTarget, Unfit::ForeignName,
                                                   Unfit::Empty, Unfit::NotAJob, Unfit::NotAJob}));
  BOOST_TEST(scan.unfit[0].path == TargetDir("web") / "a-directory.json");
  BOOST_TEST(DescribeUnfit(scan.unfit[0], "web") == "a directory, not a job file");
  BOOST_TEST(DescribeUnfit(scan.unfit[1], "web") == "a job of target worker, not of web");
  BOOST_TEST(DescribeUnfit(scan.unfit[2], "web") == "a job named c-copy.json, not after its id 1.json");
}

BOOST_FIXTURE_TEST_CASE(a_symbolic_link_is_not_a_job_file, QueueDir) {
  queue.Enqueue({MakeJob("1")});
  fs::create_symlink(TargetDir("web") / "1.json", TargetDir("web") / "2.json");
  QueueScan scan = queue.Scan("web");
  BOOST_TEST(Ids(scan.jobs) == std::vector<std::string>{"1"});
  BOOST_TEST((Reasons(scan) == std::vector<Unfit>{Unfit::NotAFile}));
}

BOOST_FIXTURE_TEST_CASE(leaves_files_still_being_written_alone, QueueDir) {
  fs::create_directories(TargetDir("web"));
  // Just created by a `cp` that has not written yet, an rsync temporary and one of deployhook's
  // own: none is a job yet, none is rejected.
  testing::WriteText(TargetDir("web") / "2.json", "");
  testing::WriteText(TargetDir("web") / ".3.json.Xa81", "{");
  testing::WriteText(TargetDir("web") / "4.json.tmp-4242-0", "{");
  QueueScan scan = queue.Scan("web");
  BOOST_TEST(scan.jobs.empty());
  BOOST_TEST(scan.unfit.empty());
}

BOOST_FIXTURE_TEST_CASE(collect_moves_each_unfit_file_to_rejected_once_and_names_it, QueueDir) {
  testing::LogCapture log;
  queue.Enqueue({MakeJob("1")});
  fs::copy_file(TargetDir("web") / "1.json", TargetDir("web") / "retry.json");
  fs::create_directories(TargetDir("web") / "2.json");
  WriteSettled("web", "3.json", "");
  BOOST_TEST(Ids(queue.Collect("web", log.logger())) == std::vector<std::string>{"1"});
  BOOST_TEST(Names("web") == std::vector<std::string>{"1.json"});
  BOOST_TEST(RejectedFiles(state.Path(), "web") == (std::vector<std::string>{"2.json", "3.json", "retry.json"}));
  BOOST_TEST_REQUIRE(log.lines().size() == 3u);
  for (std::string_view name : {"2.json", "3.json", "retry.json"}) {
    BOOST_TEST(log.Contains("path=" + (TargetDir("web") / name).string()), name);
  }
  BOOST_TEST(log.lines()[0].starts_with("<3>queue "));
  BOOST_TEST(Ids(queue.Collect("web", log.logger())) == std::vector<std::string>{"1"});
  BOOST_TEST(log.lines().size() == 3u);  // nothing left to say
  queue.Remove({MakeJob("1")});
  BOOST_TEST(Names("web").empty());
}

BOOST_FIXTURE_TEST_CASE(a_file_that_cannot_be_moved_aside_is_named_once, QueueDir) {
  testing::LogCapture log;
  queue.Enqueue({MakeJob("1")});
  WriteSettled("web", "2.json", "not json");
  testing::WriteText(state / "rejected", "a file where deployhook needs a directory\n");
  BOOST_TEST(Ids(queue.Collect("web", log.logger())) == std::vector<std::string>{"1"});
  BOOST_TEST(Ids(queue.Collect("web", log.logger())) == std::vector<std::string>{"1"});
  BOOST_TEST_REQUIRE(log.lines().size() == 1u);
  BOOST_TEST(log.Contains("path=" + (TargetDir("web") / "2.json").string()));
  BOOST_TEST(Names("web") == (std::vector<std::string>{"1.json", "2.json"}));
}

BOOST_FIXTURE_TEST_CASE(queues_no_job_when_another_target_cannot_take_its_own, QueueDir) {
  // As root, permissions do not stop the queue: a regular file where a directory belongs does.
  testing::WriteText(TargetDir("worker"), "a file where deployhook needs a directory\n");
  BOOST_CHECK_THROW(queue.Enqueue({MakeJob("1", "web"), MakeJob("2", "worker")}), StorageError);
  BOOST_TEST(queue.Pending("web").empty());
  BOOST_TEST(Names("web").empty());  // no temporary left either
}

BOOST_FIXTURE_TEST_CASE(removes_jobs_already_placed_when_a_later_one_cannot_be, QueueDir) {
  int wakes = 0;
  queue.OnEnqueue([&] { ++wakes; });
  // The second job's name is taken by a directory that is not empty: its rename fails after
  // the first job is in place.
  testing::WriteText(TargetDir("worker") / "2.json" / "in-the-way", "x");
  BOOST_CHECK_THROW(queue.Enqueue({MakeJob("1", "web"), MakeJob("2", "worker")}), StorageError);
  BOOST_TEST(Names("web").empty());
  BOOST_TEST(Names("worker") == std::vector<std::string>{"2.json"});
  BOOST_TEST(wakes == 0);
  queue.Enqueue({MakeJob("1", "web"), MakeJob("3", "worker")});
  BOOST_TEST(Ids(queue.Pending("web")) == std::vector<std::string>{"1"});
  BOOST_TEST(wakes == 1);
}

BOOST_FIXTURE_TEST_CASE(throws_storage_error_when_the_state_dir_is_unusable, QueueDir) {
  testing::WriteText(state / "file", "x");
  JobQueue broken(state / "file");
  BOOST_CHECK_THROW(broken.Enqueue({MakeJob("1")}), StorageError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
