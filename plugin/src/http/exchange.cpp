#include "http/exchange.hpp"

#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPResponse.h>

#include <algorithm>
#include <sstream>
#include <streambuf>

#include "core/text.hpp"

namespace hoshi::http {

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string checked_utf8(std::string s, const char* what) {
  if (!text::is_valid_utf8(s)) throw HttpError(400, "Bad Request", std::string(what) + " is not UTF-8");
  return s;
}
}  // namespace

std::string percent_decode(const std::string& s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      const int hi = i + 2 < s.size() ? hex_value(s[i + 1]) : -1;
      const int lo = i + 2 < s.size() ? hex_value(s[i + 2]) : -1;
      if (hi < 0 || lo < 0)
        throw HttpError(400, "Bad Request", "bad percent-encoding in the URL near \"" + s.substr(i, 3) + "\"");
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

Exchange::Exchange(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res) : req_(req), res_(res) {
  // Every answer: no sniffing, no referrer (the supplier's token is in the URL).
  res_.set("X-Content-Type-Options", "nosniff");
  res_.set("Referrer-Policy", "no-referrer");
  try {
    parse_url();
  } catch (const HttpError& e) {
    bad_url_ = e;
    segments_.clear();
    query_.clear();
  }
}

// Hands on at most `limit` bytes of the request body, then ends; notes whether the
// body went on past that.
class LimitedBodyBuf : public std::streambuf {
 public:
  LimitedBodyBuf(std::istream& in, std::size_t limit) : in_(in), left_(limit) {}
  bool cut_short() const { return cut_short_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (left_ == 0) {
      if (!cut_short_ && in_ && in_.peek() != traits_type::eof()) cut_short_ = true;
      return traits_type::eof();
    }
    if (!in_) return traits_type::eof();
    in_.read(buf_, static_cast<std::streamsize>(std::min(sizeof buf_, left_)));
    const auto n = static_cast<std::size_t>(in_.gcount());
    if (n == 0) return traits_type::eof();
    left_ -= n;
    setg(buf_, buf_, buf_ + n);
    return traits_type::to_int_type(*gptr());
  }

 private:
  std::istream& in_;
  std::size_t left_;
  bool cut_short_ = false;
  char buf_[16384];
};

Exchange::~Exchange() = default;

void Exchange::refuse_body(const std::string& detail) {
  constexpr std::streamsize kDrain = 16 << 20;
  std::istream& in = req_.stream();
  char buf[16384];
  std::streamsize drained = 0;
  while (in && drained <= kDrain) {
    in.read(buf, sizeof buf);
    drained += in.gcount();
  }
  if (drained > kDrain) res_.setKeepAlive(false);
  throw HttpError(413, "Payload Too Large", detail);
}

std::istream& Exchange::body_stream(std::size_t limit) {
  if (req_.hasContentLength() && req_.getContentLength64() > static_cast<Poco::Int64>(limit))
    refuse_body("the request body is " + std::to_string(req_.getContentLength64()) + " bytes; at most " +
                std::to_string(limit) + " are accepted");
  limited_buf_ = std::make_unique<LimitedBodyBuf>(req_.stream(), limit);
  limited_in_ = std::make_unique<std::istream>(limited_buf_.get());
  return *limited_in_;
}

bool Exchange::body_cut_short() const { return limited_buf_ && limited_buf_->cut_short(); }

void Exchange::validate() const {
  if (bad_url_) throw *bad_url_;
}

void Exchange::parse_url() { parse_target(req_.getURI(), path_, segments_, query_); }

void parse_target(const std::string& uri, std::string& path, std::vector<std::string>& segments,
                  std::vector<std::pair<std::string, std::string>>& query) {
  const std::size_t q = uri.find('?');
  const std::string raw_path = uri.substr(0, q);
  path = checked_utf8(percent_decode(raw_path, false), "the path");
  if (path.find('\0') != std::string::npos) throw HttpError(400, "Bad Request", "the path holds a NUL byte (%00)");
  std::size_t start = 1;
  while (start <= raw_path.size()) {
    std::size_t end = raw_path.find('/', start);
    if (end == std::string::npos) end = raw_path.size();
    if (end > start)
      segments.push_back(checked_utf8(percent_decode(raw_path.substr(start, end - start), false), "the path"));
    start = end + 1;
  }
  if (q == std::string::npos) return;
  const std::string qs = uri.substr(q + 1);
  std::size_t pos = 0;
  while (pos <= qs.size()) {
    std::size_t amp = qs.find('&', pos);
    if (amp == std::string::npos) amp = qs.size();
    std::string pair = qs.substr(pos, amp - pos);
    if (!pair.empty()) {
      std::size_t eq = pair.find('=');
      std::string k = percent_decode(pair.substr(0, eq), true);
      std::string v = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      query.emplace_back(checked_utf8(k, "a query parameter"), checked_utf8(v, "a query parameter"));
    }
    pos = amp + 1;
  }
}

std::optional<std::string> Exchange::query(const std::string& key) const {
  for (const auto& [k, v] : query_)
    if (k == key) return v;
  return std::nullopt;
}

std::string Exchange::header(const std::string& name) const { return req_.get(name, ""); }

std::string Exchange::cookie(const std::string& name) const {
  const std::string all = header("Cookie");
  for (std::size_t pos = 0; pos < all.size();) {
    std::size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string part = all.substr(pos, end - pos);
    part.erase(0, part.find_first_not_of(' '));
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return {};
}

std::string Exchange::client_address() const { return req_.clientAddress().host().toString(); }

std::string Exchange::body(std::size_t limit) {
  if (req_.hasContentLength() && req_.getContentLength64() > static_cast<Poco::Int64>(limit))
    refuse_body("the request body is " + std::to_string(req_.getContentLength64()) + " bytes; at most " +
                std::to_string(limit) + " are accepted");
  std::string out;
  std::istream& in = req_.stream();
  char buf[16384];
  while (in) {
    in.read(buf, sizeof buf);
    out.append(buf, static_cast<std::size_t>(in.gcount()));
    if (out.size() > limit) refuse_body("the request body is over " + std::to_string(limit) + " bytes");
  }
  return out;
}

void Exchange::send(int status, const std::string& content_type, const std::string& body) {
  res_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res_.setContentType(content_type);
  res_.setContentLength64(static_cast<Poco::Int64>(body.size()));
  sent_ = true;
  if (method() == "HEAD") {
    res_.send();
    return;
  }
  res_.sendBuffer(body.data(), body.size());
}

void Exchange::problem(const HttpError& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("type", "about:blank");
  o.set("title", e.title);
  o.set("status", e.status);
  o.set("detail", std::string(e.what()));
  if (e.extra)
    for (const auto& k : e.extra->getNames()) o.set(k, e.extra->get(k));
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(o, out);
  if (e.status == 401) res_.set("WWW-Authenticate", "Bearer realm=\"hoshitori\"");
  if (e.extra && e.extra->has("retry_after")) res_.set("Retry-After", e.extra->get("retry_after").toString());
  res_.set("Cache-Control", "no-store");
  send(e.status, "application/problem+json; charset=utf-8", out.str());
}

std::ostream& Exchange::stream(int status, const std::string& content_type) {
  res_.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  res_.setContentType(content_type);
  res_.setChunkedTransferEncoding(true);
  sent_ = true;
  return res_.send();
}

}  // namespace hoshi::http
