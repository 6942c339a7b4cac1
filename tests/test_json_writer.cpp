// The JSON writer: whatever bytes a client sent, the output is valid JSON.

#include <simdjson.h>

#include <boost/test/unit_test.hpp>

#include <random>

#include "util/json_writer.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

// Returns the string the JSON text `quoted` holds, or "<invalid>" when simdjson rejects it.
std::string Unquote(const std::string& quoted) {
  simdjson::dom::parser parser;
  std::string_view value;
  if (parser.parse(quoted).get_string().get(value)) return "<invalid>";
  return std::string(value);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_writer)

BOOST_AUTO_TEST_CASE(escapes_quotes_backslashes_and_control_characters) {
  BOOST_TEST(JsonQuote("a\"b\\c") == R"("a\"b\\c")");
  BOOST_TEST(JsonQuote("line\nnext\ttab") == R"("line\nnext\ttab")");
  BOOST_TEST(JsonQuote(std::string("\x00\x01\x1f\x7f", 4)) == R"("\u0000\u0001\u001f\u007f")");
  BOOST_TEST(JsonQuote("") == "\"\"");
}

BOOST_AUTO_TEST_CASE(keeps_valid_utf8_as_is) {
  for (std::string_view text : {"caf\xc3\xa9", "\xe2\x99\xa5", "\xf0\x9f\x98\x80", "\xef\xbf\xbf",
                                "\xf4\x8f\xbf\xbf"}) {
    BOOST_TEST_CONTEXT(testing::Printable(text)) {
      BOOST_TEST(JsonQuote(text) == "\"" + std::string(text) + "\"");
    }
  }
}

BOOST_AUTO_TEST_CASE(replaces_invalid_utf8_with_replacement_character) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"\x80", R"("\ufffd")"},                     // lone continuation byte
      {"a\xff" "b", R"("a\ufffdb")"},              // never valid in UTF-8
      {"\xe2\x82", R"("\ufffd\ufffd")"},           // truncated sequence
      {"\xc0\xaf", R"("\ufffd\ufffd")"},           // overlong '/'
      {"\xe0\x80\xaf", R"("\ufffd\ufffd\ufffd")"},  // overlong, three bytes
      {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},  // UTF-16 surrogate
      {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // above U+10FFFF
  };
  for (auto [input, expected] : cases) {
    BOOST_TEST_CONTEXT(expected) { BOOST_TEST(JsonQuote(input) == expected); }
  }
}

BOOST_AUTO_TEST_CASE(produces_valid_json_for_every_single_byte) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string text(1, static_cast<char>(byte));
    BOOST_TEST_CONTEXT("byte " << byte) {
      std::string decoded = Unquote(JsonQuote(text));
      BOOST_TEST(decoded == (byte < 0x80 ? text : "\xef\xbf\xbd"));
    }
  }
}

BOOST_AUTO_TEST_CASE(produces_valid_json_for_random_bytes) {
  std::mt19937 random(20261126);  // fixed seed: the same strings every run
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 2000; ++round) {
    std::string text(static_cast<std::size_t>(round % 40), '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    BOOST_TEST_CONTEXT("round " << round) { BOOST_TEST(Unquote(JsonQuote(text)) != "<invalid>"); }
  }
}

BOOST_AUTO_TEST_CASE(round_trips_control_characters) {
  std::string text;
  for (int c = 0; c < 0x20; ++c) text += static_cast<char>(c);
  text += "\x7f\"\\/";
  BOOST_TEST(Unquote(JsonQuote(text)) == text);
}

BOOST_AUTO_TEST_CASE(builds_objects_of_every_member_kind) {
  std::string json = JsonObject()
                         .Add("s", "text")
                         .Add("i", std::int64_t{-42})
                         .Add("d", 1.5)
                         .Add("b", true)
                         .Add("l", std::vector<std::string>{"x", "\"y\""})
                         .AddRaw("r", JsonArrayOfRaw({"1", "{}"}))
                         .Str();
  BOOST_TEST(json == R"({"s":"text","i":-42,"d":1.500,"b":true,"l":["x","\"y\""],"r":[1,{}]})");
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  BOOST_TEST_REQUIRE(!parser.parse(json).get(object));
  BOOST_TEST(std::string_view(object["l"].at(1)) == "\"y\"");
}

BOOST_AUTO_TEST_CASE(builds_empty_object_and_array) {
  BOOST_TEST(JsonObject().Str() == "{}");
  BOOST_TEST(JsonArrayOfRaw({}) == "[]");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
