// Log lines: values escaped so one field cannot forge another or break the line, and neither
// the secret nor the payload ever reaches the log.

#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "util/log.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::Request;
using testing::HandlerBench;
using testing::SignedPush;

}  // namespace

BOOST_AUTO_TEST_SUITE(log)

BOOST_AUTO_TEST_CASE(keeps_plain_tokens_bare) {
  for (std::string_view value : {"refs/heads/main", "octo/app", "72d3162e-cc78-11e3", "a.b_c:d@e+f,g"}) {
    BOOST_TEST(FormatLogValue(value) == value);
  }
}

BOOST_AUTO_TEST_CASE(escapes_bytes_a_terminal_would_act_on_for_printing) {
  // A payload's `after` that would clear the screen and retitle the terminal.
  BOOST_TEST(EscapeBytes("\x1b[2J\x1b]0;owned\x07") == "\\x1b[2J\\x1b]0;owned\\x07");
  BOOST_TEST(EscapeBytes("caf\xc3\xa9 \"x\" a\\b") == "caf\\xc3\\xa9 \\\"x\\\" a\\\\b");
  BOOST_TEST(EscapeBytes("366701fde727") == "366701fde727");
}

BOOST_AUTO_TEST_CASE(quotes_values_with_spaces_or_nothing) {
  BOOST_TEST(FormatLogValue("push is a tag") == "\"push is a tag\"");
  BOOST_TEST(FormatLogValue("") == "\"\"");
  BOOST_TEST(FormatLogValue("a=b") == "\"a=b\"");
}

BOOST_AUTO_TEST_CASE(escapes_quotes_and_backslashes) {
  BOOST_TEST(FormatLogValue(R"(say "hi")") == R"("say \"hi\"")");
  BOOST_TEST(FormatLogValue(R"(a\b)") == R"("a\\b")");
  // A value that tries to close its quotes and add a field of its own.
  BOOST_TEST(FormatLogValue(R"(x" decision="queued)") == R"("x\" decision=\"queued")");
}

BOOST_AUTO_TEST_CASE(escapes_control_bytes_so_a_value_cannot_break_the_line) {
  std::string value = "one\ntwo\r<3>forged\x01\x1b[31m\x7f";
  std::string formatted = FormatLogValue(value);
  BOOST_TEST(formatted == "\"one\\x0atwo\\x0d<3>forged\\x01\\x1b[31m\\x7f\"");
  for (char c : formatted) {
    BOOST_TEST((static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7f));
  }
}

// A delivery id may carry any bytes, valid UTF-8 or not; the line stays printable ASCII.
BOOST_AUTO_TEST_CASE(escapes_bytes_outside_ascii) {
  BOOST_TEST(FormatLogValue("caf\xc3\xa9\xff") == "\"caf\\xc3\\xa9\\xff\"");
}

BOOST_AUTO_TEST_CASE(truncates_a_long_value) {
  std::string formatted = FormatLogValue(std::string(10 * 1024, 'a'));
  BOOST_TEST(formatted.size() < 300u);
  BOOST_TEST(formatted.starts_with("\"aaaa"));
  BOOST_TEST(formatted.ends_with("...\""));
  // Escapes expand a value at most fourfold, and still within bounds.
  BOOST_TEST(FormatLogValue(std::string(10 * 1024, '\n')).size() < 1000u);
}

BOOST_AUTO_TEST_CASE(formats_level_event_and_fields_skipping_empty_values) {
  BOOST_TEST(FormatLogLine(LogLevel::Info, "request",
                           {{"delivery", "abc"}, {"target", ""}, {"reason", "event is not push"}}) ==
             "<6>request delivery=abc reason=\"event is not push\"");
  BOOST_TEST(FormatLogLine(LogLevel::Error, "step", {}) == "<3>step");
  BOOST_TEST(FormatLogLine(LogLevel::Debug, "x", {}).starts_with("<7>"));
}

BOOST_AUTO_TEST_CASE(drops_lines_above_the_logger_level) {
  std::vector<std::string> lines;
  Logger logger([&](std::string_view line) { lines.emplace_back(line); }, LogLevel::Info);
  logger.Log(LogLevel::Debug, "hidden");
  logger.Log(LogLevel::Warning, "shown");
  BOOST_TEST(lines == std::vector<std::string>{"<4>shown"});
}

BOOST_AUTO_TEST_CASE(survives_a_sink_that_throws) {
  Logger logger([](std::string_view) { throw std::runtime_error("stderr closed"); });
  BOOST_CHECK_NO_THROW(logger.Log(LogLevel::Error, "request", {{"decision", "error"}}));
}

BOOST_AUTO_TEST_CASE(never_logs_the_secret_or_the_payload) {
  const std::string secret = "s3cret-CANARY-4f1d9b";
  // Distinctive text inside the payloads: a commit message, a key, an author.
  const std::string canaries[] = {"ZEBRA-CANARY-commit-message", "CANARY-key-7c2e",
                                  "canary-author@example.invalid"};
  const std::string push = R"({"ref": "refs/heads/main", "after": "1111111111111111111111111111111111111111",
    "repository": {"full_name": "octo/app"},
    "head_commit": {"message": "ZEBRA-CANARY-commit-message", "author": {"email": "canary-author@example.invalid"}},
    "CANARY-key-7c2e": 1})";
  HandlerBench bench({testing::MakeTarget("web", "octo/app", "main", secret)});

  auto post = [&](Request delivery, int expected) {
    BOOST_TEST(bench.Post(delivery).status == expected, delivery.event << " " << delivery.body.size());
  };
  post(SignedPush(push, secret), 202);                                    // queued
  post(SignedPush(push, secret), 200);                                    // duplicate
  Request other = SignedPush(push.substr(0, push.size() - 1) + ", \"x\": 2}", secret);
  other.event = "release";
  post(other, 200);                                                       // ignored event
  std::string tag = push;
  tag.replace(tag.find("refs/heads/main"), std::string_view("refs/heads/main").size(), "refs/tags/v1");
  post(SignedPush(tag, secret), 200);                                     // ignored tag
  Request forged = SignedPush(push + " ", "a-guess");
  post(forged, 401);                                                      // invalid signature
  Request unsigned_form = SignedPush("payload=" + testing::FormEncode(push), secret);
  unsigned_form.signature.reset();
  unsigned_form.content_type = "application/x-www-form-urlencoded";
  post(unsigned_form, 401);                                               // missing signature
  std::string bad = R"({"ref": ["ZEBRA-CANARY-commit-message"], "CANARY-key-7c2e": "canary-author@example.invalid"})";
  post(SignedPush(bad, secret), 400);                                     // bad payload
  post(SignedPush(R"({"CANARY-key-7c2e": "ZEBRA-CANARY-commit-message")", secret), 400);  // not JSON
  bench.sink.refuse = true;
  post(SignedPush(push + "\n", secret), 503);                             // unavailable

  BOOST_TEST(bench.log.lines().size() >= 9u);
  BOOST_TEST(bench.log.Contains("decision=queued"));
  BOOST_TEST(bench.log.Contains("decision=duplicate"));
  BOOST_TEST(bench.log.Contains("decision=invalid_signature"));
  BOOST_TEST(bench.log.Contains("decision=bad_payload"));
  BOOST_TEST(bench.log.Contains("decision=unavailable"));
  // What must never appear: the secret, any payload text, and the MAC an attacker wants.
  std::vector<std::string> forbidden(std::begin(canaries), std::end(canaries));
  forbidden.push_back(secret);
  forbidden.push_back("s3cret");
  forbidden.push_back(testing::Sign(secret, push + " ").substr(7, 16));
  for (const std::string& line : bench.log.lines()) {
    for (const std::string& text : forbidden) {
      BOOST_TEST(line.find(text) == std::string::npos, "\"" << text << "\" in: " << line);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
