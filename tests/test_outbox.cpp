// The durable outbox: messages survive as files, and files that are not messages are skipped.

#include <boost/test/unit_test.hpp>

#include "notify/outbox.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

OutboxMessage Message(std::string id) {
  return {.id = std::move(id),
          .kind = "ntfy",
          .notifier = 2,
          .target = "web",
          .event = "failed",
          .headers = {{"Title", "web: failed"}, {"Tags", "deployhook,\"x\""}},
          .body = "line one\nline \"two\" \xff",
          .attempts = 3,
          .created_ms = 1700000000000,
          .next_try_ms = 1700000004000};
}

void CheckSame(const OutboxMessage& a, const OutboxMessage& b) {
  BOOST_TEST(a.id == b.id);
  BOOST_TEST(a.kind == b.kind);
  BOOST_TEST(a.notifier == b.notifier);
  BOOST_TEST(a.target == b.target);
  BOOST_TEST(a.event == b.event);
  BOOST_TEST((a.headers == b.headers));
  BOOST_TEST(a.body == b.body);
  BOOST_TEST(a.attempts == b.attempts);
  BOOST_TEST(a.created_ms == b.created_ms);
  BOOST_TEST(a.next_try_ms == b.next_try_ms);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(outbox)

BOOST_AUTO_TEST_CASE(round_trips_a_message_through_json) {
  OutboxMessage message = Message("20261128T080000000Z-0000abcd");
  message.body = "plain body";  // JsonQuote turns invalid UTF-8 into U+FFFD: not a round trip
  std::optional<OutboxMessage> parsed = ParseOutboxMessage(SerializeOutboxMessage(message));
  BOOST_REQUIRE(parsed.has_value());
  CheckSame(*parsed, message);
}

BOOST_AUTO_TEST_CASE(keeps_messages_as_files_oldest_first_until_removed) {
  testing::TempDir state;
  Outbox outbox(state.Path());
  OutboxMessage later = Message("20261128T080000002Z-00000002");
  OutboxMessage earlier = Message("20261128T080000001Z-00000001");
  earlier.body = "first";
  later.body = "second";
  outbox.Put(later);
  outbox.Put(earlier);
  std::vector<OutboxMessage> pending = Outbox(state.Path()).Pending();  // as after a restart
  BOOST_REQUIRE(pending.size() == 2);
  CheckSame(pending[0], earlier);
  CheckSame(pending[1], later);

  later.attempts = 4;
  outbox.Put(later);  // a retry stored in place
  BOOST_TEST(outbox.Pending()[1].attempts == 4);

  outbox.Remove(earlier);
  outbox.Remove(earlier);  // already gone: not an error
  pending = outbox.Pending();
  BOOST_REQUIRE(pending.size() == 1);
  BOOST_TEST(pending[0].id == later.id);
}

BOOST_AUTO_TEST_CASE(skips_and_counts_files_that_are_not_messages) {
  testing::TempDir state;
  Outbox outbox(state.Path());
  outbox.Put(Message("20261128T080000001Z-00000001"));
  std::string good = SerializeOutboxMessage(Message("20261128T080000003Z-00000003"));
  // Truncated by a crash of an older writer.
  testing::WriteText(state / "outbox/a.json", good.substr(0, good.size() / 2));
  // Not JSON at all.
  testing::WriteText(state / "outbox/b.json", "\x01\x02garbage");
  // A message under another name would never be removed after it was sent.
  testing::WriteText(state / "outbox/20261128T080000009Z-00000009.json", good);
  // A temporary being written is not looked at.
  testing::WriteText(state / "outbox/c.json.tmp", good);
  std::size_t unreadable = 0;
  std::vector<OutboxMessage> pending = outbox.Pending(&unreadable);
  BOOST_REQUIRE(pending.size() == 1);
  BOOST_TEST(pending[0].id == "20261128T080000001Z-00000001");
  BOOST_TEST(unreadable == 3);
}

BOOST_AUTO_TEST_CASE(rejects_json_that_is_not_a_whole_message) {
  std::string good = SerializeOutboxMessage(Message("20261128T080000001Z-00000001"));
  BOOST_TEST(ParseOutboxMessage(good).has_value());
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string changed = good;
    changed.replace(changed.find(from), from.size(), to);
    return ParseOutboxMessage(changed).has_value();
  };
  BOOST_TEST(!replaced("\"notifier\":2", "\"notifier\":-1"));          // negative index
  BOOST_TEST(!replaced("\"attempts\":3", "\"attempts\":\"3\""));       // not a number
  BOOST_TEST(!replaced("\"id\":\"20261128T080000001Z-00000001\"", "\"id\":\"../x\""));  // a path
  BOOST_TEST(!replaced("[\"Title\",\"web: failed\"]", "[\"Title\"]"));  // a header without value
  BOOST_TEST(!replaced("\"body\":", "\"bodies\":"));                    // no body
  BOOST_TEST(!ParseOutboxMessage("[]").has_value());
  BOOST_TEST(!ParseOutboxMessage("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
