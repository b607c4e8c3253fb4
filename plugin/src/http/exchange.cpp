#include "http/exchange.hpp"

#include <Poco/JSON/Stringifier.h>
#include <strings.h>

#include <algorithm>
#include <sstream>
#include <streambuf>

#include "core/text.hpp"
#include "http/http_front.hpp"

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

Exchange::Exchange(Request& req, Responder& res) : req_(req), res_(res) {
  // Every answer: no sniffing, no referrer (the supplier's token is in the URL).
  out_headers_ = {{"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}};
  try {
    parse_url();
  } catch (const HttpError& e) {
    bad_url_ = e;
    segments_.clear();
    query_.clear();
  }
}

Exchange::~Exchange() = default;

const std::string& Exchange::method() const { return req_.head.method; }
const std::string& Exchange::raw_path() const { return req_.head.target; }

void Exchange::set_header(const std::string& name, const std::string& value) {
  for (auto& [k, v] : out_headers_)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) {
      v = value;
      return;
    }
  out_headers_.emplace_back(name, value);
}

std::istringstream& Exchange::body_stream(std::size_t limit) {
  if (req_.body.size() > limit)
    throw HttpError(413, "Content Too Large",
                    "the request body is " + std::to_string(req_.body.size()) + " bytes; at most " +
                        std::to_string(limit) + " are accepted");
  body_in_ = std::make_unique<std::istringstream>(std::move(req_.body));
  req_.body.clear();
  return *body_in_;
}

void Exchange::validate() const {
  if (bad_url_) throw *bad_url_;
}

void Exchange::parse_url() { parse_target(req_.head.target, path_, segments_, query_); }

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

std::string Exchange::header(const std::string& name) const {
  const std::string* v = req_.head.find(name);
  return v ? *v : std::string();
}

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

std::string Exchange::client_address() const { return req_.peer; }

std::string Exchange::body(std::size_t limit) {
  if (req_.body.size() > limit)
    throw HttpError(413, "Content Too Large",
                    "the request body is " + std::to_string(req_.body.size()) + " bytes; at most " +
                        std::to_string(limit) + " are accepted");
  return req_.body;
}

void Exchange::send(int status, const std::string& content_type, const std::string& body) {
  set_header("Content-Type", content_type);
  sent_ = true;
  res_.send(status, out_headers_, body);
}

void Exchange::send_head(int status, const std::string& content_type, std::size_t length) {
  set_header("Content-Type", content_type);
  sent_ = true;
  res_.send(status, out_headers_, {}, length);
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
  if (e.status == 401) set_header("WWW-Authenticate", "Bearer realm=\"hoshitori\"");
  if (e.extra && e.extra->has("retry_after")) set_header("Retry-After", e.extra->get("retry_after").toString());
  set_header("Cache-Control", "no-store");
  send(e.status, "application/problem+json; charset=utf-8", out.str());
}

void Exchange::abort() { res_.abort(); }

std::ostream& Exchange::stream(int status, const std::string& content_type) {
  set_header("Content-Type", content_type);
  sent_ = true;
  return res_.stream(status, out_headers_);
}

}  // namespace hoshi::http
