// The name tables of run results, run kinds, notify events and notifier kinds.

#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "config/notifier_kind.hpp"
#include "config/notify_event.hpp"
#include "config/run_result.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(run_result)

BOOST_AUTO_TEST_CASE(every_result_reads_back_from_its_own_name) {
  std::set<std::string_view> names;
  for (RunResult result : ALL_RUN_RESULTS) {
    BOOST_TEST((ParseRunResult(Name(result)) == result));
    names.insert(Name(result));
  }
  BOOST_TEST(names.size() == ALL_RUN_RESULTS.size());
  BOOST_TEST(Name(RunResult::TimedOut) == "timed_out");
  BOOST_TEST(Name(RunResult::RollbackFailed) == "rollback_failed");
}

BOOST_AUTO_TEST_CASE(refuses_names_that_are_no_result) {
  for (std::string_view name : {"", "interrupted", "waiting", "started", "test", "Succeeded", "failed "}) {
    BOOST_TEST(!ParseRunResult(name).has_value(), name);
  }
}

BOOST_AUTO_TEST_CASE(every_kind_reads_back_from_its_own_name) {
  for (RunKind kind : ALL_RUN_KINDS) BOOST_TEST((ParseRunKind(Name(kind)) == kind));
  BOOST_TEST(Name(RunKind::Rollback) == "rollback");
  BOOST_TEST(!ParseRunKind("test").has_value());
  BOOST_TEST(!ParseRunKind("").has_value());
}

BOOST_AUTO_TEST_CASE(notify_events_are_the_start_the_results_and_the_test) {
  for (RunResult result : ALL_RUN_RESULTS) {
    BOOST_TEST(Name(EventOf(result)) == Name(result));
    BOOST_TEST((ResultOf(EventOf(result)) == result));
    BOOST_TEST((ParseNotifyEvent(Name(result)) == EventOf(result)));
  }
  for (NotifyEvent event : {NotifyEvent::Started, NotifyEvent::Test}) {
    BOOST_TEST((ParseNotifyEvent(Name(event)) == event));
    BOOST_TEST(!ResultOf(event).has_value());
    BOOST_TEST(!IsFailure(event));
  }
  BOOST_TEST(Name(NotifyEvent::Started) == "started");
  BOOST_TEST(Name(NotifyEvent::Test) == "test");
  BOOST_TEST(!ParseNotifyEvent("interrupted").has_value());
  BOOST_TEST(!ParseNotifyEvent("finished").has_value());
  BOOST_TEST(ON_EVENTS.size() == ALL_RUN_RESULTS.size() + 1);
}

BOOST_AUTO_TEST_CASE(failures_are_the_results_that_did_not_leave_new_or_same_images) {
  BOOST_TEST(!IsFailure(NotifyEvent::Succeeded));
  BOOST_TEST(!IsFailure(NotifyEvent::Unchanged));
  for (NotifyEvent event : {NotifyEvent::Stale, NotifyEvent::Failed, NotifyEvent::TimedOut,
                            NotifyEvent::RolledBack, NotifyEvent::RollbackFailed}) {
    BOOST_TEST(IsFailure(event), Name(event));
  }
}

BOOST_AUTO_TEST_CASE(every_notifier_kind_reads_back_from_its_own_name) {
  for (NotifierKind kind : ALL_NOTIFIER_KINDS) BOOST_TEST((ParseNotifierKind(Name(kind)) == kind));
  BOOST_TEST(!ParseNotifierKind("status").has_value());
  BOOST_TEST(!ParseNotifierKind("Slack").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
