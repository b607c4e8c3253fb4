// Strict request framing (http/http_parser.*): what is refused, with which status, and
// the chunked decoder fed byte by byte.
#include <boost/test/unit_test.hpp>

#include "http/http_parser.hpp"

using namespace hoshi::http;

namespace {
int refusal(const std::string& raw) {
  RequestHead h;
  try {
    parse_request_head(raw, h);
  } catch (const FramingError& e) {
    return e.status;
  }
  return 0;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(http_parser)

BOOST_AUTO_TEST_CASE(a_plain_request_head_is_read_whole) {
  RequestHead h;
  const std::string raw = "\r\nGET /api/v1/suppliers?x=1 HTTP/1.1\r\nHost: example:8470\r\nX-User:  山田 \r\n\r\nrest";
  BOOST_TEST(parse_request_head(raw, h) == raw.size() - 4);
  BOOST_TEST(h.method == "GET");
  BOOST_TEST(h.target == "/api/v1/suppliers?x=1");
  BOOST_TEST(*h.find("x-user") == "山田");
  BOOST_TEST(h.keep_alive);
  BOOST_TEST(static_cast<int>(h.body) == static_cast<int>(RequestHead::Body::none));
}

BOOST_AUTO_TEST_CASE(an_unfinished_head_asks_for_more) {
  RequestHead h;
  BOOST_TEST(parse_request_head("GET / HTTP/1.1\r\nHost: x\r\n", h) == 0u);
  BOOST_TEST(parse_request_head("GET / HTTP/1.1\r", h) == 0u);
}

BOOST_AUTO_TEST_CASE(ambiguous_lengths_and_codings_are_refused) {
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 1\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999999999999999\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  BOOST_TEST(refusal("POST / HTTP/1.1\r\nHost: x\r\n\r\n") == 411);
  BOOST_TEST(refusal("PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") == 0);
}

BOOST_AUTO_TEST_CASE(malformed_lines_are_refused) {
  BOOST_TEST(refusal("GET / HTTP/1.1\nHost: x\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: x\r\nA: b\rc\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: x\r\nA: b\r\n c\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: x\r\nno colon\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\n\r\n") == 400);                        // no Host
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n") == 400);  // two
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n") == 400);           // not a host
  BOOST_TEST(refusal("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET / HTTP/2.0\r\nHost: x\r\n\r\n") == 505);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\n\r\n") == 417);
  BOOST_TEST(refusal("GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") == 414);
  BOOST_TEST(refusal("GET / HTTP/1.1\r\nHost: x\r\nA: " + std::string(17000, 'a')) == 431);
}

BOOST_AUTO_TEST_CASE(absolute_form_is_reduced_to_the_path) {
  RequestHead h;
  parse_request_head("GET http://example.jp:80/s/abc?q=1 HTTP/1.1\r\nHost: example.jp\r\n\r\n", h);
  BOOST_TEST(h.target == "/s/abc?q=1");
  parse_request_head("GET https://example.jp HTTP/1.1\r\nHost: example.jp\r\n\r\n", h);
  BOOST_TEST(h.target == "/");
  BOOST_TEST(refusal("GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
  // the URL's host is the host (RFC 9112 §3.2.2), and an HTTP/1.1 request still names one
  parse_request_head("GET http://real.example/s/x HTTP/1.1\r\nHost: other.example\r\n\r\n", h);
  BOOST_TEST(*h.find("Host") == "real.example");
  BOOST_TEST(refusal("GET http://real.example/ HTTP/1.1\r\n\r\n") == 400);
  BOOST_TEST(refusal("GET http://u@real.example/ HTTP/1.1\r\nHost: x\r\n\r\n") == 400);
}

BOOST_AUTO_TEST_CASE(http10_closes_unless_asked_and_close_is_heard) {
  RequestHead h;
  parse_request_head("GET / HTTP/1.0\r\n\r\n", h);
  BOOST_TEST(!h.keep_alive);
  parse_request_head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", h);
  BOOST_TEST(h.keep_alive);
  parse_request_head("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, Close\r\n\r\n", h);
  BOOST_TEST(!h.keep_alive);
}

BOOST_AUTO_TEST_CASE(a_chunked_body_decodes_the_same_fed_byte_by_byte) {
  const std::string wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  for (std::size_t step : {1u, 2u, 7u, 1000u}) {
    ChunkedDecoder d;
    std::string out;
    std::size_t used = 0;
    while (!d.done() && used < wire.size()) used += d.feed(std::string_view(wire).substr(used, step), out, 100);
    BOOST_TEST(d.done());
    BOOST_TEST(out == "hello world");
    BOOST_TEST(wire.substr(used) == "NEXT");
  }
}

BOOST_AUTO_TEST_CASE(bad_chunks_are_refused) {
  auto status = [](const std::string& wire, std::size_t limit = 100) {
    ChunkedDecoder d;
    std::string out;
    try {
      d.feed(wire, out, limit);
    } catch (const FramingError& e) {
      return e.status;
    }
    return 0;
  };
  BOOST_TEST(status("x\r\n") == 400);
  BOOST_TEST(status("3\r\nhello\r\n") == 400);    // longer than said
  BOOST_TEST(status("5\nhello\r\n") == 400);      // bare LF
  BOOST_TEST(status("5 x\r\nhello\r\n") == 400);  // after BWS only ";"
  BOOST_TEST(status("5 ;x\r\nhello\r\n0\r\n\r\n") == 0);
  BOOST_TEST(status("1000000000000000\r\n") == 400);
  BOOST_TEST(status("65\r\n", 100) == 413);  // 101 bytes announced, 100 allowed
  BOOST_TEST(status("0\r\n" + std::string(9000, 'a') + "\r\n\r\n") == 400);
}

BOOST_AUTO_TEST_SUITE_END()
