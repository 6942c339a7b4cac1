// What each kind of notifier is sent about a run: exact bodies and headers.

#include <boost/test/unit_test.hpp>

#include "notify/format.hpp"
#include "notify/run_notifier.hpp"
#include "notify/summary.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

RunRecord Run(RunResult result = RunResult::Succeeded) {
  RunRecord run;
  run.id = "20261128T080000000Z-0000abcd";
  run.target = "web";
  run.commit = "4e1f2a3bcccccccccccccccccccccccccccccccc";
  run.after = run.commit;
  run.started_at = "2026-11-28T08:00:00.000Z";
  run.finished_at = "2026-11-28T08:01:05.500Z";
  run.result = result;
  run.steps = {{"pull", {"docker", "compose", "pull"}, 0, 1.5},
               {"up", {"docker", "compose", "up"}, 1, 2.0},
               {"rollback-up", {"docker", "compose", "up"}, 0, 1.0}};
  return run;
}

// A failure with output that needs escaping in every format: a quote, markup and a mention.
RunEvent Failure() {
  RunEvent event{.event = NotifyEvent::RolledBack,
                 .run = Run(RunResult::RolledBack),
                 .seconds = 65,
                 .failed_step = "up",
                 .failed_exit_code = 1,
                 .output_tail = "Error \"boom\" <b> & @everyone\n```done"};
  return event;
}

RunEvent Started() { return RunEvent{.event = NotifyEvent::Started, .run = Run()}; }

std::string HeaderValue(const FormattedMessage& message, std::string_view name) {
  for (const auto& [key, value] : message.headers) {
    if (key == name) return value;
  }
  return "(none)";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(notify_format)

BOOST_AUTO_TEST_CASE(slack_gets_the_summary_and_the_escaped_output_as_text) {
  FormattedMessage message = FormatSlack(Failure());
  BOOST_TEST(HeaderValue(message, "Content-Type") == "application/json");
  BOOST_TEST(message.body ==
             R"({"text":"*web: rolled_back*\ncommit 4e1f2a3, took 65s\nrun 20261128T080000000Z-0000abcd\nfailed step: up (exit 1)\n```\nError \"boom\" &lt;b&gt; &amp; @everyone\n```done\n```"})");
}

BOOST_AUTO_TEST_CASE(slack_says_a_run_started_without_duration_or_output) {
  BOOST_TEST(FormatSlack(Started()).body ==
             R"({"text":"*web: deploy started*\ncommit 4e1f2a3\nrun 20261128T080000000Z-0000abcd"})");
}

BOOST_AUTO_TEST_CASE(discord_gets_content_that_pings_nobody) {
  FormattedMessage message = FormatDiscord(Failure());
  BOOST_TEST(HeaderValue(message, "Content-Type") == "application/json");
  BOOST_TEST(message.body ==
             R"({"content":"**web: rolled_back**\ncommit 4e1f2a3, took 65s\nrun 20261128T080000000Z-0000abcd\nfailed step: up (exit 1)\n```\nError \"boom\" <b> & @everyone\n'''done\n```","allowed_mentions":{"parse":[]}})");
}

BOOST_AUTO_TEST_CASE(ntfy_gets_text_with_title_priority_and_tags) {
  FormattedMessage message = FormatNtfy(Failure());
  BOOST_TEST((message.headers ==
              HttpHeaders{{"Content-Type", "text/plain; charset=utf-8"},
                          {"Title", "web: rolled_back"},
                          {"Priority", "high"},
                          {"Tags", "deployhook,rewind"}}));
  BOOST_TEST(message.body ==
             "commit 4e1f2a3, took 65s\nrun 20261128T080000000Z-0000abcd\nfailed step: up (exit 1)"
             "\n\nError \"boom\" <b> & @everyone\n```done");
  FormattedMessage started = FormatNtfy(Started());
  BOOST_TEST(HeaderValue(started, "Title") == "web: deploy started");
  BOOST_TEST(HeaderValue(started, "Priority") == "default");
  BOOST_TEST(HeaderValue(started, "Tags") == "deployhook,rocket");
}

BOOST_AUTO_TEST_CASE(webhook_posts_the_run_record) {
  RunEvent failure = Failure();
  FormattedMessage message = FormatWebhook(failure);
  BOOST_TEST((message.headers == HttpHeaders{{"Content-Type", "application/json"}}));
  BOOST_TEST(message.body == SerializeRun(failure.run));
  std::string started = SerializeRun(Run(), "deploy", "started");
  BOOST_TEST(FormatWebhook(Started()).body == started);
  BOOST_TEST(started.find(R"("kind":"deploy",)") != std::string::npos);
  BOOST_TEST(started.find(R"("result":"started",)") != std::string::npos);
  BOOST_TEST(FormatFor(NotifierKind::Webhook, Started()).body == started);
  BOOST_TEST(FormatFor(NotifierKind::Ntfy, Started()).body == FormatNtfy(Started()).body);
  RunEvent test{NotifyEvent::Test, Run(), std::nullopt, "", 0, ""};
  std::string tested = FormatWebhook(test).body;
  BOOST_TEST(tested.find(R"("kind":"test",)") != std::string::npos);
  BOOST_TEST(tested.find(R"("result":"test",)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(says_a_rollback_run_is_one) {
  RunEvent event = Failure();
  event.run.kind = RunKind::Rollback;
  event.event = NotifyEvent::Succeeded;
  BOOST_TEST(SummaryTitle(event) == "web: rollback succeeded");
  event.event = NotifyEvent::Started;
  BOOST_TEST(SummaryTitle(event) == "web: rollback started");
}

BOOST_AUTO_TEST_CASE(keeps_the_last_lines_of_the_output_cleaned) {
  BOOST_TEST(OutputTail("a\nb\nc\n", 2, 100) == "b\nc");
  BOOST_TEST(OutputTail("a\nb\nc", 5, 100) == "a\nb\nc");
  BOOST_TEST(OutputTail("a\nb\nc", 0, 100) == "");
  BOOST_TEST(OutputTail("abcdef\nghij", 2, 6) == "f\nghij");
  BOOST_TEST(OutputTail("\x1b[31mred\r\tx\n", 3, 100) == "?[31mred?\tx");
}

BOOST_AUTO_TEST_CASE(a_finished_failure_names_its_step_duration_and_output) {
  testing::TempDir dir;
  RunRecord run = Run(RunResult::RolledBack);
  run.log = (dir / "run.log").string();
  std::string output;
  for (int i = 0; i < 40; ++i) output += "line " + std::to_string(i) + "\n";
  testing::WriteText(run.log, output);
  RunEvent event = FinishedEvent(run);
  BOOST_TEST(event.event == NotifyEvent::RolledBack);
  BOOST_TEST(event.seconds.value() == 65);
  BOOST_TEST(event.failed_step == "up");
  BOOST_TEST(event.failed_exit_code == 1);
  BOOST_TEST(event.output_tail.starts_with("line 25\n"));
  BOOST_TEST(event.output_tail.ends_with("\nline 39"));

  RunRecord success = Run(RunResult::Succeeded);
  success.log = run.log;
  RunEvent quiet = FinishedEvent(success);
  BOOST_TEST(quiet.failed_step.empty());
  BOOST_TEST(quiet.output_tail.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
