// Running one program: stdout alone when stderr is kept apart (data a warning must not corrupt),
// both interleaved otherwise.

#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iterator>

#include "deploy/process_executor.hpp"
#include "util/process.hpp"
#include "refused_closes.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

ProcessSpec Shell(const std::string& script) {
  ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.cwd = "/";
  spec.env = {{"PATH", "/usr/bin:/bin"}};
  spec.timeout = std::chrono::seconds(20);
  return spec;
}

// Returns how many descriptors this process has open.
std::size_t OpenDescriptors() {
  auto entries = std::filesystem::directory_iterator("/proc/self/fd");
  return static_cast<std::size_t>(std::distance(begin(entries), end(entries)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(process)

BOOST_AUTO_TEST_CASE(keeps_stderr_apart_when_asked) {
  ProcessSpec spec = Shell("echo '[1]'; echo 'WARNING: config' >&2; exit 3");
  spec.stderr_apart = true;
  ProcessResult result = RunProcess(spec);
  BOOST_TEST(result.exit_code == 3);
  BOOST_TEST(result.output == "[1]\n");
  BOOST_TEST(result.error_output == "WARNING: config\n");
}

BOOST_AUTO_TEST_CASE(interleaves_stdout_and_stderr_by_default) {
  ProcessResult result = RunProcess(Shell("echo out; echo err >&2"));
  BOOST_TEST(result.exit_code == 0);
  BOOST_TEST(result.output.find("out\n") != std::string::npos);
  BOOST_TEST(result.output.find("err\n") != std::string::npos);
  BOOST_TEST(result.error_output.empty());
}

BOOST_AUTO_TEST_CASE(says_interrupted_not_timed_out_when_stopped_by_abort) {
  std::atomic<bool> abort{true};
  ProcessSpec spec = Shell("exec sleep 30");
  spec.abort = &abort;
  ProcessResult result = RunProcess(spec);
  BOOST_TEST(result.interrupted);
  BOOST_TEST(!result.timed_out);
  BOOST_TEST(result.exit_code == 128 + SIGTERM);
  BOOST_TEST(result.seconds < 20.0);
}

BOOST_AUTO_TEST_CASE(keeps_open_only_the_descriptor_it_is_asked_to_pass_on) {
  int fds[2];
  BOOST_TEST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  std::string check = "test -e /proc/$$/fd/" + std::to_string(fds[0]);
  ProcessSpec spec = Shell(check);
  BOOST_TEST(RunProcess(spec).exit_code == 1);  // closed on exec like every fd of the worker
  spec.inherit_fd = fds[0];
  BOOST_TEST(RunProcess(spec).exit_code == 0);
  ::close(fds[0]);
  ::close(fds[1]);
}

// Boost.Process closes the write end of an output pipe in the worker once the child has it; a
// second close of that number, a moment later, would close whatever another thread had opened
// in between (a proxy's kept connection, reset with a request on it).
BOOST_AUTO_TEST_CASE(closes_each_end_of_its_pipes_once) {
  for (bool apart : {false, true}) {
    ProcessSpec spec = Shell("echo out; echo err >&2");
    spec.stderr_apart = apart;
    long before = testing::RefusedCloses();
    std::size_t open_before = OpenDescriptors();
    ProcessResult result = RunProcess(spec);
    BOOST_TEST(result.exit_code == 0);
    BOOST_TEST(testing::RefusedCloses() - before == 0, "stderr apart: " << apart);
    BOOST_TEST(OpenDescriptors() == open_before, "stderr apart: " << apart);  // none left open
  }
}

BOOST_AUTO_TEST_CASE(an_executor_runs_independent_commands_at_the_same_time) {
  testing::TempDir dir;
  std::string flag = (dir / "flag").string();
  // The first waits for what the second writes: one after the other, it would time out.
  ProcessSpec waits = Shell("while [ ! -e '" + flag + "' ]; do sleep 0.01; done; echo seen");
  waits.timeout = std::chrono::seconds(10);
  ProcessSpec writes = Shell("sleep 0.1; echo > '" + flag + "'; echo written");
  ProcessExecutor executor(ExecutorSetup{});
  std::vector<ProcessResult> results = executor.RunAll({waits, writes});
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(!results[0].timed_out);
  BOOST_TEST(results[0].output == "seen\n");
  BOOST_TEST(results[1].output == "written\n");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
