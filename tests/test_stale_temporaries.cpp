// Temporary files a killed writer left in state_dir are removed at start; a live writer's stay.

#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "state/stale_temporaries.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

// Returns the pid of a process that has exited and been reaped: nobody runs under it now.
pid_t GonePid() {
  pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  ::waitpid(child, nullptr, 0);
  return child;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stale_temporaries)

BOOST_AUTO_TEST_CASE(reads_the_writer_pid_from_a_temporary_name) {
  BOOST_TEST(TemporaryWriter("20261128T072830Z-ab12.json.tmp-4242-7").value_or(0) == 4242);
  BOOST_TEST(TemporaryWriter("history.tmp-1-0").value_or(0) == 1);
}

BOOST_AUTO_TEST_CASE(reads_no_pid_from_other_names) {
  for (std::string_view name : {"job.json", ".tmp-12-1", "job.json.tmp-", "job.json.tmp-12",
                                "job.json.tmp-12-", "job.json.tmp-x-1", "job.json.tmp-0-1",
                                "job.json.tmp-12-1x", "job.json.tmp--12-1"}) {
    BOOST_TEST_CONTEXT(name) { BOOST_TEST(!TemporaryWriter(name)); }
  }
}

BOOST_AUTO_TEST_CASE(removes_temporaries_of_gone_writers_everywhere_below_state_dir) {
  testing::TempDir state;
  std::string gone = std::to_string(GonePid());
  std::string live = std::to_string(::getpid());
  testing::WriteText(state / ("queue/app/1.json.tmp-" + gone + "-0"), "{");
  testing::WriteText(state / ("seen/abc.app.tmp-" + gone + "-3"), "");
  testing::WriteText(state / ("queue/app/2.json.tmp-" + live + "-1"), "{");
  testing::WriteText(state / "queue/app/3.json", "{}");
  BOOST_TEST(RemoveStaleTemporaries(state.Path()) == 2u);
  BOOST_TEST(!std::filesystem::exists(state / ("queue/app/1.json.tmp-" + gone + "-0")));
  BOOST_TEST(!std::filesystem::exists(state / ("seen/abc.app.tmp-" + gone + "-3")));
  BOOST_TEST(std::filesystem::exists(state / ("queue/app/2.json.tmp-" + live + "-1")));
  BOOST_TEST(std::filesystem::exists(state / "queue/app/3.json"));
}

BOOST_AUTO_TEST_CASE(removes_nothing_from_a_missing_state_dir) {
  testing::TempDir state;
  BOOST_TEST(RemoveStaleTemporaries(state / "missing") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
