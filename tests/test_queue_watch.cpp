// What wakes the runner: a job file appearing in a target's queue directory (whoever wrote it),
// a target's first queue directory, a resume, an in-process nudge, and the fallback time.

#include <boost/test/unit_test.hpp>

#include <fstream>

#include "deploy/queue_watch.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

// Writes `path` whole by rename, as the queue and the CLI do.
void WriteByRename(const std::filesystem::path& path) {
  std::filesystem::path temporary = path.string() + ".tmp";
  std::ofstream(temporary) << "{}\n";
  std::filesystem::rename(temporary, path);
}

// Waits for news (up to 10 s) and fails when it took more than a few seconds: the news must
// come from the event, not from the fallback time.
QueueNews Heard(QueueWatch& watch) {
  auto began = SteadyClock::now();
  QueueNews news = watch.Wait(seconds(10));
  BOOST_TEST((SteadyClock::now() - began < seconds(5)));
  return news;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(queue_watch)

BOOST_AUTO_TEST_CASE(creates_the_queue_and_pause_directories) {
  testing::TempDir state;
  QueueWatch watch(state.Path());
  BOOST_TEST(std::filesystem::is_directory(state / "queue"));
  BOOST_TEST(std::filesystem::is_directory(state / "paused"));
  BOOST_TEST(watch.Complete());
}

BOOST_AUTO_TEST_CASE(names_the_target_whose_queue_got_a_job) {
  testing::TempDir state;
  std::filesystem::create_directories(state / "queue" / "app");
  std::filesystem::create_directories(state / "queue" / "web");
  QueueWatch watch(state.Path());
  WriteByRename(state / "queue" / "web" / "1.json");
  QueueNews news = Heard(watch);
  BOOST_TEST(!news.everything);
  BOOST_TEST((news.targets == std::set<std::string>{"web"}));
}

BOOST_AUTO_TEST_CASE(names_a_target_whose_first_job_creates_its_directory) {
  testing::TempDir state;
  QueueWatch watch(state.Path());
  std::filesystem::create_directories(state / "queue" / "new");
  QueueNews first = Heard(watch);
  BOOST_TEST((first.targets == std::set<std::string>{"new"}));
  WriteByRename(state / "queue" / "new" / "2.json");  // and the directory is watched from then on
  QueueNews second = Heard(watch);
  BOOST_TEST((second.targets == std::set<std::string>{"new"}));
}

BOOST_AUTO_TEST_CASE(names_a_target_that_is_resumed) {
  testing::TempDir state;
  std::filesystem::create_directories(state / "paused");
  std::ofstream(state / "paused" / "app.json") << "{}\n";
  QueueWatch watch(state.Path());
  std::filesystem::remove(state / "paused" / "app.json");
  QueueNews news = Heard(watch);
  BOOST_TEST((news.targets == std::set<std::string>{"app"}));
}

BOOST_AUTO_TEST_CASE(a_nudge_asks_for_every_target) {
  testing::TempDir state;
  QueueWatch watch(state.Path());
  watch.Nudge();
  BOOST_TEST(Heard(watch).everything);
  // One nudge is one wake: the next wait hears nothing until the fallback time.
  BOOST_TEST(watch.Wait(milliseconds(20)).everything);
}

BOOST_AUTO_TEST_CASE(asks_for_every_target_when_the_fallback_time_passes_unheard) {
  testing::TempDir state;
  QueueWatch watch(state.Path());
  auto began = SteadyClock::now();
  QueueNews news = watch.Wait(milliseconds(50));
  BOOST_TEST(news.everything);
  BOOST_TEST((SteadyClock::now() - began >= milliseconds(50)));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
