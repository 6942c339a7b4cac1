// Whether the input waiting on a connection holds a whole FastCGI request.

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "http/request_arrival.hpp"

namespace deployhook {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Returns one FastCGI record of `type` with `content` and `padding` bytes of padding.
Bytes Record(std::uint8_t type, const std::string& content, std::uint8_t padding = 0) {
  std::string text = {'\1', static_cast<char>(type), '\0', '\1',
                      static_cast<char>(content.size() >> 8), static_cast<char>(content.size() & 0xff),
                      static_cast<char>(padding), '\0'};
  text += content;
  text.append(padding, '\0');
  return Bytes(text.begin(), text.end());
}

Bytes Join(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// A whole request as nginx sends it: begin, params, the empty params record, a body in two
// records (the first padded), and the empty stdin record that ends it.
Bytes WholeRequest() {
  return Join({Record(1, std::string("\0\1\0\0\0\0\0\0", 8)), Record(4, "\x0e\x04REQUEST_METHODPOST"),
               Record(4, ""), Record(5, "{\"ref\":", 1), Record(5, "\"x\"}"), Record(5, "")});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(request_arrival)

BOOST_AUTO_TEST_CASE(a_request_up_to_its_empty_stdin_record_is_complete) {
  BOOST_TEST((ScanRequest(WholeRequest()).arrival == Arrival::Complete));
}

BOOST_AUTO_TEST_CASE(every_prefix_of_a_request_is_partial) {
  Bytes whole = WholeRequest();
  for (std::size_t size = 0; size < whole.size(); ++size) {
    BOOST_TEST_CONTEXT(size) {
      BOOST_TEST((ScanRequest(std::span(whole).first(size)).arrival == Arrival::Partial));
    }
  }
}

BOOST_AUTO_TEST_CASE(a_request_without_a_body_is_complete_at_its_empty_stdin_record) {
  Bytes get = Join({Record(1, std::string("\0\1\0\0\0\0\0\0", 8)), Record(4, ""), Record(5, "")});
  BOOST_TEST((ScanRequest(get).arrival == Arrival::Complete));
}

BOOST_AUTO_TEST_CASE(what_is_not_a_request_is_left_to_libfcgi) {
  // Not FastCGI at all: an HTTP request line.
  std::string http = "POST /webhook/deploy HTTP/1.1\r\n";
  BOOST_TEST((ScanRequest(Bytes(http.begin(), http.end())).arrival == Arrival::Unreadable));
  // A management record, and a request that does not begin with FCGI_BEGIN_REQUEST.
  BOOST_TEST((ScanRequest(Record(9, "")).arrival == Arrival::Unreadable));
  BOOST_TEST((ScanRequest(Join({Record(4, ""), Record(5, "")})).arrival == Arrival::Unreadable));
  // FCGI_ABORT_REQUEST after the head.
  BOOST_TEST((ScanRequest(Join({Record(1, std::string(8, '\0')), Record(2, "")})).arrival == Arrival::Unreadable));
}

BOOST_AUTO_TEST_CASE(gives_the_parameters_once_the_head_has_arrived) {
  Bytes head = Join({Record(1, std::string("\0\1\0\0\0\0\0\0", 8)),
                     Record(4, "\x0e\x04REQUEST_METHODPOST\x0e"), Record(4, "\x03" "CONTENT_LENGTH100"),
                     Record(4, "")});
  ArrivalScan before = ScanRequest(std::span(head).first(head.size() - 8));
  BOOST_TEST(!before.params);
  ArrivalScan scan = ScanRequest(head);  // the body announced has not come
  BOOST_TEST((scan.arrival == Arrival::Partial));
  BOOST_TEST_REQUIRE(scan.params.has_value());
  BOOST_TEST(FindParam(*scan.params, "REQUEST_METHOD").value_or("") == "POST");
  BOOST_TEST(FindParam(*scan.params, "CONTENT_LENGTH").value_or("") == "100");
  BOOST_TEST(!FindParam(*scan.params, "CONTENT_TYPE"));
}

BOOST_AUTO_TEST_CASE(reads_four_byte_lengths_and_refuses_pairs_that_do_not_fit) {
  std::string value(300, 'v');
  std::string pair = std::string("\x04\x80\x00\x01\x2c", 5) + "NAME" + value;
  Bytes head = Join({Record(1, std::string(8, '\0')), Record(4, pair), Record(4, "")});
  ArrivalScan scan = ScanRequest(head);
  BOOST_TEST_REQUIRE(scan.params.has_value());
  BOOST_TEST(FindParam(*scan.params, "NAME").value_or("") == value);
  Bytes broken = Join({Record(1, std::string(8, '\0')), Record(4, "\x09\x01NAME"), Record(4, "")});
  BOOST_TEST((ScanRequest(broken).arrival == Arrival::Unreadable));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
