// Fuzz target: the web front's request framing (http/http_parser.*), as a client could
// send it: the bytes are a request head, then whatever follows is fed to the chunked
// decoder in pieces of varying size. The documented refusal is FramingError (a status
// and a reason); anything else escaping, or a decoder that uses more than it was given,
// is a finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/http_parser.hpp"

using namespace hoshi::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  RequestHead head;
  std::size_t used = 0;
  try {
    used = parse_request_head(in, head);
  } catch (const FramingError& e) {
    if (e.status < 400 || e.status > 505) std::abort();
    return 0;
  }
  if (used > in.size()) std::abort();
  if (used == 0) return 0;
  if (head.body == RequestHead::Body::length && head.content_length == 0) std::abort();
  // the rest as a chunked body, in pieces of 1, 2, 3… bytes
  ChunkedDecoder d;
  std::string body;
  std::size_t at = used, step = 1;
  try {
    while (at < in.size() && !d.done()) {
      const std::string_view piece = in.substr(at, step++);
      const std::size_t took = d.feed(piece, body, 1 << 16);
      if (took > piece.size() || body.size() > (1 << 16)) std::abort();
      at += took;
      if (took < piece.size() && !d.done()) std::abort();  // only a finished body leaves bytes
    }
  } catch (const FramingError& e) {
    if (e.status != 400 && e.status != 413) std::abort();
  }
  return 0;
}
