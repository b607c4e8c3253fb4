// One HTTP request and its response, as the route handlers see them: decoded path
// segments, query parameters, a size-bounded body, and replies in JSON, problem+json
// (RFC 9457) or a stream.
#pragma once
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hoshi::http {

// A reply the handler could not give: becomes a problem+json document.
struct HttpError : std::runtime_error {
  HttpError(int s, std::string t, const std::string& detail, Poco::JSON::Object::Ptr x = nullptr)
      : std::runtime_error(detail), status(s), title(std::move(t)), extra(std::move(x)) {}
  int status;
  std::string title;
  Poco::JSON::Object::Ptr extra;  // more members of the problem document
};

class LimitedBodyBuf;

class Exchange {
 public:
  // Never throws: a URL that cannot be decoded is kept for validate() to report.
  Exchange(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& res);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  // HttpError 400 when the URL was bad (then segments and query are empty).
  void validate() const;

  const std::string& method() const { return req_.getMethod(); }
  // "/api/v1/suppliers/V%2F1" → {"api", "v1", "suppliers", "V/1"}; throws HttpError 400
  // on bad percent-encoding or bytes that are not UTF-8.
  const std::vector<std::string>& segments() const { return segments_; }
  const std::string& path() const { return path_; }
  // Whether the user's browser reaches the server over HTTPS (a --public-url https://…,
  // or a proxy's X-Forwarded-Proto: https): cookies are then marked Secure.
  void set_secure(bool on) { secure_ = on; }
  const char* cookie_secure() const { return secure_ ? "; Secure" : ""; }
  // The request target as sent (not decoded), for routing an answer whose URL was bad.
  const std::string& raw_path() const { return req_.getURI(); }
  // The first value of a query parameter (decoded), or nullopt.
  std::optional<std::string> query(const std::string& key) const;
  const std::vector<std::pair<std::string, std::string>>& query_params() const { return query_; }
  // "" when absent.
  std::string header(const std::string& name) const;
  // The value of a cookie the client sent, "" when absent.
  std::string cookie(const std::string& name) const;
  std::string client_address() const;

  // The whole body; HttpError 413 past `limit` bytes (checked before reading when
  // Content-Length says so, and while reading a chunked body).
  std::string body(std::size_t limit);
  // The body as a stream, for a large upload read part by part (multipart/form-data):
  // HttpError 413 at once when Content-Length says more than `limit`; otherwise the
  // stream ends after `limit` bytes and body_cut_short() tells that more was coming.
  // Call once, instead of body().
  std::istream& body_stream(std::size_t limit);
  bool body_cut_short() const;

  void send(int status, const std::string& content_type, const std::string& body);
  void send_json(int status, const std::string& json) { send(status, "application/json; charset=utf-8", json); }
  void problem(const HttpError& e);
  // A chunked body, for long answers (the audit export); headers go out first.
  std::ostream& stream(int status, const std::string& content_type);
  void set_header(const std::string& name, const std::string& value) { res_.set(name, value); }
  bool sent() const { return sent_; }

 private:
  // 413 for a body over `limit`. The rest of the body (up to 16 MiB) is read and dropped
  // first, so that a client still sending gets the answer instead of a reset connection;
  // past that the connection is closed after the answer.
  [[noreturn]] void refuse_body(const std::string& detail);
  void parse_url();
  Poco::Net::HTTPServerRequest& req_;
  bool secure_ = false;
  Poco::Net::HTTPServerResponse& res_;
  std::string path_;
  std::vector<std::string> segments_;
  std::vector<std::pair<std::string, std::string>> query_;
  bool sent_ = false;
  std::optional<HttpError> bad_url_;
  std::unique_ptr<LimitedBodyBuf> limited_buf_;
  std::unique_ptr<std::istream> limited_in_;
};

// "/erp/suppliers/V%2F1?lang=en" → decoded path, its segments and query pairs.
// Throws HttpError 400 on bad percent-encoding or bytes that are not UTF-8.
void parse_target(const std::string& uri, std::string& path, std::vector<std::string>& segments,
                  std::vector<std::pair<std::string, std::string>>& query);

// Percent-decoding of one URL component ('+' stays '+'; query values also map '+'
// to a space). Throws HttpError 400 on a bad escape.
std::string percent_decode(const std::string& s, bool plus_is_space);

}  // namespace hoshi::http
