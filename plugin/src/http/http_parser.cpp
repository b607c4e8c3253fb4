#include "http/http_parser.hpp"

#include <algorithm>
#include <cctype>

namespace hoshi::http {

namespace {

bool is_tchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
      return true;
    default:
      return false;
  }
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void bad(const std::string& why) { throw FramingError(400, why); }

// Every LF must follow a CR and every CR must precede an LF (a bare one is where two
// parsers split lines differently). `complete`: the text does not end mid-line.
void check_line_ends(std::string_view s, bool complete) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) bad("a line ends with a bare LF: lines end with CRLF");
    if (s[i] == '\r' && ((i + 1 < s.size() && s[i + 1] != '\n') || (i + 1 == s.size() && complete)))
      bad("a bare CR in the request head");
  }
}

void parse_request_line(std::string_view line, RequestHead& out, const HeadLimits& limits) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos ||
      line.find(' ', sp2 + 1) != std::string_view::npos)
    bad("the request line must be METHOD SP TARGET SP HTTP-VERSION, single spaces");
  const std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                         version = line.substr(sp2 + 1);
  if (method.empty() || method.size() > 32 ||
      !std::all_of(method.begin(), method.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
    bad("the method is not a token");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7])))
    bad("the request line does not end with HTTP/1.1");
  if (version == "HTTP/1.1")
    out.http11 = true;
  else if (version == "HTTP/1.0")
    out.http11 = false;
  else
    throw FramingError(505, "only HTTP/1.1 and HTTP/1.0 are served");
  if (target.size() > limits.max_target)
    throw FramingError(414, "the request target is over " + std::to_string(limits.max_target) + " bytes");
  if (target.empty()) bad("the request target is empty");
  for (char c : target)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      bad("the request target holds a byte that must be percent-encoded");
  out.method = std::string(method);
  if (target[0] == '/') {
    out.target = std::string(target);
  } else if (target == "*" && method == "OPTIONS") {
    out.target = "*";
  } else {
    // absolute-form (RFC 9112 §3.2.2): the path and query are the target
    std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos ||
        !(iequals(target.substr(0, scheme_end), "http") || iequals(target.substr(0, scheme_end), "https")))
      bad("the request target must be a path (/…) or an http URL");
    const std::size_t path = target.find_first_of("/?", scheme_end + 3);
    if (path == scheme_end + 3) bad("the request URL has no host");
    out.target = path == std::string_view::npos ? "/" : std::string(target.substr(path));
    if (out.target[0] == '?') out.target.insert(0, "/");
    // the target's authority is the host, whatever Host says (RFC 9112 §3.2.2)
    out.authority = std::string(
        target.substr(scheme_end + 3, path == std::string_view::npos ? std::string_view::npos : path - scheme_end - 3));
    if (out.authority.find('@') != std::string::npos) bad("the request URL carries user information");
  }
}

bool valid_host(std::string_view h) {
  if (h.empty()) return false;
  for (char c : h) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::isalnum(u) || std::string_view(".-_~:[]%!$&'()*+,;=").find(c) != std::string_view::npos)) return false;
  }
  return true;
}

void apply_semantics(RequestHead& out) {
  int hosts = 0, lengths = 0, codings = 0;
  const std::string* length = nullptr;
  const std::string* coding = nullptr;
  for (const auto& [name, value] : out.headers) {
    if (iequals(name, "Host")) {
      ++hosts;
      if (!valid_host(value)) bad("the Host header is not a host name");
    } else if (iequals(name, "Content-Length")) {
      ++lengths;
      length = &value;
    } else if (iequals(name, "Transfer-Encoding")) {
      ++codings;
      coding = &value;
    } else if (iequals(name, "Connection")) {
      std::string_view rest = value;
      while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        const std::string_view token = trim(rest.substr(0, comma));
        if (iequals(token, "close")) out.keep_alive = false;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
    } else if (iequals(name, "Expect")) {
      if (!iequals(value, "100-continue")) throw FramingError(417, "only Expect: 100-continue is understood");
      out.expect_continue = true;
    }
  }
  if (hosts > 1) bad("more than one Host header");
  if (!out.authority.empty()) {
    if (!valid_host(out.authority)) bad("the request URL's host is not a host name");
    for (auto& [name, value] : out.headers)
      if (iequals(name, "Host")) value = out.authority;
    if (hosts == 0 && !out.http11) out.headers.emplace_back("Host", out.authority);  // 1.1 must still send one
  }
  if (hosts == 0 && out.http11) bad("an HTTP/1.1 request must name its Host");
  if (!out.http11) {
    // HTTP/1.0 keeps the connection only when asked to
    bool asked = false;
    if (const std::string* c = out.find("Connection")) asked = lower(*c).find("keep-alive") != std::string::npos;
    out.keep_alive = out.keep_alive && asked;
  }
  if (lengths > 1) bad("more than one Content-Length header");
  if (codings > 1) bad("more than one Transfer-Encoding header");
  if (lengths && codings) bad("both Content-Length and Transfer-Encoding: the body's length is ambiguous");
  if (coding) {
    if (!out.http11) bad("Transfer-Encoding is not HTTP/1.0");
    if (!iequals(*coding, "chunked"))
      bad("the only transfer coding understood is \"chunked\", not \"" + *coding + "\"");
    out.body = RequestHead::Body::chunked;
  } else if (length) {
    if (length->empty() || length->size() > 18 ||
        !std::all_of(length->begin(), length->end(), [](char c) { return c >= '0' && c <= '9'; }))
      bad("Content-Length must be a number of bytes (digits only), not \"" + *length + "\"");
    out.content_length = std::stoull(*length);
    out.body = out.content_length > 0 ? RequestHead::Body::length : RequestHead::Body::none;
  } else if (out.method == "POST" || out.method == "PUT" || out.method == "PATCH") {
    throw FramingError(411, "a " + out.method + " must say its body's length (Content-Length, or chunked)");
  }
}

}  // namespace

const std::string* RequestHead::find(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return &v;
  return nullptr;
}

std::size_t parse_request_head(std::string_view buf, RequestHead& out, const HeadLimits& limits) {
  std::size_t start = 0;
  for (int blank = 0; blank < 4 && buf.substr(start, 2) == "\r\n"; ++blank) start += 2;
  const std::size_t end = buf.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    const std::string_view seen = buf.substr(start);
    check_line_ends(seen, false);
    if (seen.find("\r\n") == std::string_view::npos && seen.size() > limits.max_target + 64)
      throw FramingError(414, "the request line is over " + std::to_string(limits.max_target) + " bytes");
    if (buf.size() > limits.max_head)
      throw FramingError(431, "the request head is over " + std::to_string(limits.max_head) + " bytes");
    return 0;
  }
  if (end + 4 > limits.max_head + start)
    throw FramingError(431, "the request head is over " + std::to_string(limits.max_head) + " bytes");
  const std::string_view head = buf.substr(start, end + 2 - start);  // each line with its CRLF
  check_line_ends(head, true);
  out = RequestHead{};
  std::size_t pos = head.find("\r\n");
  parse_request_line(head.substr(0, pos), out, limits);
  pos += 2;
  while (pos < head.size()) {
    const std::size_t eol = head.find("\r\n", pos);
    const std::string_view line = head.substr(pos, eol - pos);
    pos = eol + 2;
    if (line[0] == ' ' || line[0] == '\t') bad("a folded header line (obsolete line folding is not accepted)");
    if (out.headers.size() == limits.max_headers)
      throw FramingError(431, "more than " + std::to_string(limits.max_headers) + " header lines");
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) bad("a header line without a name and a colon");
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
      bad("the header name \"" + std::string(name.substr(0, 64)) + "\" is not a token (no space before the colon)");
    const std::string_view value = trim(line.substr(colon + 1));
    for (char c : value) {
      const auto u = static_cast<unsigned char>(c);
      if ((u < 0x20 && u != '\t') || u == 0x7f) bad("the header " + std::string(name) + " holds a control character");
    }
    out.headers.emplace_back(std::string(name), std::string(value));
  }
  apply_semantics(out);
  return end + 4;
}

std::size_t ChunkedDecoder::feed(std::string_view in, std::string& out, std::size_t limit) {
  constexpr std::size_t kMaxLine = 4096, kMaxTrailer = 8192;
  std::size_t i = 0;
  while (i < in.size() && state_ != State::done) {
    const char c = in[i];
    switch (state_) {
      case State::size: {
        const int digit = std::isxdigit(static_cast<unsigned char>(c))
                              ? (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10)
                              : -1;
        if (digit >= 0) {
          if (++size_digits_ > 15) bad("a chunk size is too long");
          left_ = left_ * 16 + static_cast<unsigned>(digit);
          ++i;
        } else if (size_digits_ == 0) {
          bad("a chunk does not start with its size in hex");
        } else if (c == ';' || c == ' ' || c == '\t') {
          state_ = State::ext_bws;  // BWS, then ";" (RFC 9112 §7.1.1)
          line_bytes_ = 0;
        } else if (c == '\r') {
          state_ = State::size_lf;
          ++i;
        } else if (c == '\n') {
          bad("a chunk line ends with a bare LF");
        } else {
          bad("a chunk size is not hex digits");
        }
        break;
      }
      case State::ext_bws:
        if (c == ';') {
          state_ = State::ext;
        } else if (c != ' ' && c != '\t') {
          bad("after a chunk size only a chunk extension (\";name\") may follow");
        } else if (++line_bytes_ > kMaxLine) {
          bad("a chunk extension is too long");
        }
        ++i;
        break;
      case State::ext:
        if (c == '\r') {
          state_ = State::size_lf;
        } else if (c == '\n') {
          bad("a chunk line ends with a bare LF");
        } else if (++line_bytes_ > kMaxLine) {
          bad("a chunk extension is too long");
        }
        ++i;
        break;
      case State::size_lf:
        if (c != '\n') bad("a chunk size line does not end with CRLF");
        ++i;
        if (left_ == 0) {
          state_ = State::trailer;
          line_bytes_ = 0;
          trailer_empty_ = true;
        } else {
          if (out.size() + left_ > limit)
            throw FramingError(413, "the request body is over " + std::to_string(limit) + " bytes");
          state_ = State::data;
        }
        size_digits_ = 0;
        break;
      case State::data: {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, in.size() - i));
        out.append(in.data() + i, n);
        i += n;
        left_ -= n;
        if (left_ == 0) state_ = State::data_cr;
        break;
      }
      case State::data_cr:
        if (c != '\r') bad("a chunk is longer than its size says");
        state_ = State::data_lf;
        ++i;
        break;
      case State::data_lf:
        if (c != '\n') bad("a chunk does not end with CRLF");
        state_ = State::size;
        ++i;
        break;
      case State::trailer:
        if (c == '\r') {
          state_ = State::trailer_lf;
        } else if (c == '\n') {
          bad("a trailer line ends with a bare LF");
        } else {
          trailer_empty_ = false;
          if (++trailer_bytes_ > kMaxTrailer) bad("the chunked body's trailer is too long");
        }
        ++i;
        break;
      case State::trailer_lf:
        if (c != '\n') bad("a trailer line does not end with CRLF");
        ++i;
        if (trailer_empty_) {
          state_ = State::done;
        } else {
          state_ = State::trailer;
          trailer_empty_ = true;
        }
        break;
      case State::done:
        break;
    }
  }
  return i;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "";
  }
}

}  // namespace hoshi::http
