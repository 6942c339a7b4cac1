// The sender thread: retries what failed, gives up what was refused for good, signs webhooks,
// and never logs a URL.

#include <boost/test/unit_test.hpp>

#include <condition_variable>
#include <mutex>

#include "notify/outbox_sender.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using std::chrono::milliseconds;

Notifier MakeNotifier(NotifierKind kind, std::string url, std::string secret = "") {
  Notifier notifier;
  notifier.kind = kind;
  notifier.url = std::move(url);
  notifier.secret = std::move(secret);
  return notifier;
}

// Returns a message created now (one created long ago would be given up at its first failure).
OutboxMessage Message(std::string id, std::string kind, std::size_t notifier) {
  std::int64_t now = std::chrono::duration_cast<milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
  return {.id = std::move(id), .kind = std::move(kind), .notifier = notifier, .target = "web",
          .event = "failed", .headers = {{"Content-Type", "application/json"}},
          .body = R"({"text":"web: failed"})", .attempts = 0, .created_ms = now,
          .next_try_ms = now};
}

// Answers each URL with its statuses in turn and counts the requests.
struct ScriptedReceiver {
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, std::vector<long>> statuses;
  std::vector<HttpRequest> requests;

  HttpResult Post(const HttpRequest& request) {
    std::lock_guard lock(mutex);
    requests.push_back(request);
    std::vector<long>& answers = statuses[request.url];
    long status = answers.empty() ? 200 : answers.front();
    if (!answers.empty()) answers.erase(answers.begin());
    changed.notify_all();
    return HttpResult{status, ""};
  }

  bool WaitFor(std::size_t count) {
    std::unique_lock lock(mutex);
    return changed.wait_for(lock, std::chrono::seconds(10),
                            [&] { return requests.size() >= count; });
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(outbox_sender)

BOOST_AUTO_TEST_CASE(retries_gives_up_and_signs_without_logging_urls) {
  testing::TempDir state;
  auto config = std::make_shared<Config>();
  config->notifiers = {MakeNotifier(NotifierKind::Slack, "http://slack.test/T0KEN"),
                       MakeNotifier(NotifierKind::Webhook, "http://hooks.test/W0KEN", "s3cret")};
  Outbox outbox(state.Path());
  outbox.Put(Message("20261128T080000001Z-00000001", "discord", 5));  // its table is gone
  outbox.Put(Message("20261128T080000002Z-00000002", "slack", 0));
  outbox.Put(Message("20261128T080000003Z-00000003", "webhook", 1));
  ScriptedReceiver receiver;
  receiver.statuses["http://slack.test/T0KEN"] = {500};
  receiver.statuses["http://hooks.test/W0KEN"] = {404};
  testing::LogCapture log;
  {
    OutboxSender sender([config] { return config; }, outbox, state.Path(), log.logger(),
                        SenderTiming{milliseconds(10), milliseconds(20)},
                        [&](const HttpRequest& request, const std::atomic<bool>&) {
                          return receiver.Post(request);
                        });
    sender.Start();
    BOOST_REQUIRE(receiver.WaitFor(3));
    sender.Stop();
  }
  BOOST_TEST(outbox.Pending().empty());
  BOOST_REQUIRE(receiver.requests.size() == 3u);
  BOOST_TEST(receiver.requests[0].url == "http://slack.test/T0KEN");
  BOOST_TEST(receiver.requests[1].url == "http://hooks.test/W0KEN");
  BOOST_TEST(receiver.requests[2].url == "http://slack.test/T0KEN");
  const HttpHeaders& signed_headers = receiver.requests[1].headers;
  BOOST_REQUIRE(signed_headers.size() == 4u);
  BOOST_TEST(signed_headers[1].second == "20261128T080000003Z-00000003");  // webhook-id
  BOOST_TEST(signed_headers[3].second.starts_with("v1,"));

  BOOST_TEST(log.Contains("kind=discord target=web event=failed result=\"gave up\""));
  BOOST_TEST(log.Contains("kind=slack target=web event=failed status=500 attempt=1 result=retry"));
  BOOST_TEST(log.Contains("kind=webhook target=web event=failed status=404 attempt=1 result=\"gave up\""));
  BOOST_TEST(log.Contains("kind=slack target=web event=failed status=200 attempt=2 result=delivered"));
  for (const std::string& line : log.lines()) {
    BOOST_TEST(line.find("KEN") == std::string::npos, line);
    BOOST_TEST(line.find("s3cret") == std::string::npos, line);
  }
}

BOOST_AUTO_TEST_CASE(stores_the_next_try_of_a_failed_message) {
  testing::TempDir state;
  auto config = std::make_shared<Config>();
  config->notifiers = {MakeNotifier(NotifierKind::Ntfy, "http://ntfy.test/topic")};
  Outbox outbox(state.Path());
  outbox.Put(Message("20261128T080000001Z-00000001", "ntfy", 0));
  ScriptedReceiver receiver;
  receiver.statuses["http://ntfy.test/topic"] = {503, 503, 503};
  testing::LogCapture log;
  OutboxSender sender([config] { return config; }, outbox, state.Path(), log.logger(),
                      SenderTiming{milliseconds(60000), milliseconds(20)},
                      [&](const HttpRequest& request, const std::atomic<bool>&) {
                        return receiver.Post(request);
                      });
  sender.Start();
  BOOST_REQUIRE(receiver.WaitFor(1));
  sender.Stop();
  std::vector<OutboxMessage> pending = outbox.Pending();
  BOOST_REQUIRE(pending.size() == 1u);
  BOOST_TEST(pending[0].attempts == 1);
  BOOST_TEST(pending[0].next_try_ms > pending[0].created_ms + 50000);
  BOOST_TEST(receiver.requests.size() == 1u);  // not due again for a minute
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
