// Fuzzes the checks on a request's CGI parameters, which arrive from any client before a byte of
// the body is read. Input: REQUEST_METHOD, CONTENT_LENGTH and CONTENT_TYPE on three lines; an
// input without a newline has no CONTENT_LENGTH at all, as when the client sent none.

#include <string>

#include "harness.hpp"
#include "http/handler.hpp"
#include "http/request_head.hpp"

namespace {

using namespace deployhook;

constexpr std::uint64_t MAX_BODY_BYTES = 26214400;

// A CONTENT_LENGTH is accepted only as 1-19 decimal digits, and then means exactly their value.
void CheckContentLength(std::string_view text) {
  std::optional<std::uint64_t> value = ParseContentLength(text);
  if (!value) return;
  FUZZ_REQUIRE(!text.empty() && text.size() <= 19);
  FUZZ_REQUIRE(text.find_first_not_of("0123456789") == std::string_view::npos);
  std::string_view digits = text.substr(std::min(text.find_first_not_of('0'), text.size() - 1));
  FUZZ_REQUIRE(std::to_string(*value) == digits);
}

// The checks answer in SPEC's order: method, length, size, media type.
void CheckOrder(const RequestHead& head, const HeadCheck& check) {
  std::optional<std::uint64_t> length =
      head.content_length ? ParseContentLength(*head.content_length) : std::nullopt;
  std::optional<BodyFormat> format = ParseContentType(head.content_type);
  std::optional<Outcome> expected;
  if (head.method != "POST") {
    expected = Outcome::MethodNotAllowed;
  } else if (!length) {
    expected = Outcome::LengthRequired;
  } else if (*length > MAX_BODY_BYTES) {
    expected = Outcome::TooLarge;
  } else if (!format) {
    expected = Outcome::UnsupportedMediaType;
  }
  FUZZ_REQUIRE(check.rejection == expected);
  if (!check.rejection) {
    FUZZ_REQUIRE(check.length == *length);
    FUZZ_REQUIRE(check.format == *format);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string_view> fields = fuzz::SplitFields(fuzz::AsText(data, size), 3);
  RequestHead head;
  head.method = fields[0];
  if (fields.size() > 1) head.content_length = fields[1];
  if (fields.size() > 2) head.content_type = fields[2];

  for (std::string_view field : fields) CheckContentLength(field);
  HeadCheck check = CheckHead(head, MAX_BODY_BYTES);
  CheckOrder(head, check);

  // The handler logs a rejection with the client's method in it: still one printable line.
  static const Config config = fuzz::HandlerConfig();
  static fuzz::RecordingSink sink;
  static DeliveryMemory memory(config.state_dir);
  std::vector<std::string> lines;
  Logger log([&lines](std::string_view line) { lines.emplace_back(line); });
  Handler handler(config, sink, memory, log);
  HeadCheck logged = handler.CheckHead(head);
  // The handler checks the head as CheckHead does, then refuses one that carries no proof of
  // any forge (these heads have no headers) before the body is read.
  if (check.rejection) {
    FUZZ_REQUIRE(logged.rejection == check.rejection);
  } else {
    FUZZ_REQUIRE(!logged.rejection || *logged.rejection == Outcome::InvalidSignature);
  }
  FUZZ_REQUIRE(lines.size() == (logged.rejection ? 1U : 0U));
  for (const std::string& line : lines) FUZZ_REQUIRE(fuzz::IsPrintable(line));
  return 0;
}
