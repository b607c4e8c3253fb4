// Strict HTTP/1.1 request framing (RFC 9112), with no I/O: the request head, and the
// body's length or its chunks. What a front-end proxy and this server could read
// differently is refused instead of guessed: a request with both Content-Length and
// Transfer-Encoding, several or malformed Content-Length values, a transfer coding other
// than "chunked", a header name followed by a space, a folded header line, a bare CR or
// LF, a missing or doubled Host. Every refusal names its reason; the connection is then
// closed (the next byte could not be trusted to start a request).
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hoshi::http {

// A request the server will not read further: answered with `status` and closed.
struct FramingError : std::runtime_error {
  FramingError(int s, const std::string& why) : std::runtime_error(why), status(s) {}
  int status;  // 400, 411, 413, 414, 417, 431, 505
};

struct HeadLimits {
  std::size_t max_head = 16 * 1024;   // request line and headers together
  std::size_t max_target = 8 * 1024;  // the request target
  std::size_t max_headers = 100;      // header lines
};

struct RequestHead {
  enum class Body { none, length, chunked };
  std::string method;
  std::string target;     // origin-form ("/path?query"); absolute-form is reduced to it
  std::string authority;  // absolute-form's host[:port] (then also the Host header's value)
  bool http11 = true;     // HTTP/1.1 (else HTTP/1.0)
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, values trimmed
  Body body = Body::none;
  std::uint64_t content_length = 0;  // Body::length
  bool keep_alive = true;            // the connection may carry another request after this one
  bool expect_continue = false;      // "Expect: 100-continue"

  // The first value of a header (case-insensitive name), or nullptr.
  const std::string* find(std::string_view name) const;
};

// Looks for a whole request head at the start of `buf`. Returns 0 when more bytes are
// needed (FramingError 431 when `buf` already holds more than a head may), else the
// head's length in bytes with `out` filled. Empty lines before the request line are
// skipped (RFC 9112 §2.2), at most a few.
std::size_t parse_request_head(std::string_view buf, RequestHead& out, const HeadLimits& limits = {});

// A chunked body (RFC 9112 §7.1), fed as it arrives. Chunk extensions are skipped,
// trailer fields read and dropped; sizes, extension and trailer lengths are bounded.
class ChunkedDecoder {
 public:
  // Appends the data in `in` to `out`; returns how many bytes of `in` were used (the rest
  // belongs to the next request once done()). FramingError 400 on malformed chunks,
  // 413 when `out` would pass `limit`.
  std::size_t feed(std::string_view in, std::string& out, std::size_t limit);
  bool done() const { return state_ == State::done; }

 private:
  enum class State { size, ext_bws, ext, size_lf, data, data_cr, data_lf, trailer, trailer_lf, done };
  State state_ = State::size;
  std::uint64_t left_ = 0;
  int size_digits_ = 0;
  std::size_t line_bytes_ = 0;     // bytes of the current size or trailer line
  std::size_t trailer_bytes_ = 0;  // all trailer lines
  bool trailer_empty_ = true;      // the trailer line read so far is empty
};

// The reason phrase of a status code ("Not Found"), "" when unknown.
const char* reason_phrase(int status);

}  // namespace hoshi::http
