// One HTTP request and its response, as the route handlers see them: decoded path
// segments, query parameters, a size-bounded body, and replies in JSON, problem+json
// (RFC 9457) or a stream.
#pragma once
#include <Poco/JSON/Object.h>

#include <istream>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hoshi::http {

struct Request;
class Responder;

// A reply the handler could not give: becomes a problem+json document.
struct HttpError : std::runtime_error {
  HttpError(int s, std::string t, const std::string& detail, Poco::JSON::Object::Ptr x = nullptr)
      : std::runtime_error(detail), status(s), title(std::move(t)), extra(std::move(x)) {}
  int status;
  std::string title;
  Poco::JSON::Object::Ptr extra;  // more members of the problem document
};

class Exchange {
 public:
  // Never throws: a URL that cannot be decoded is kept for validate() to report. The
  // request was read whole by the front (http_front.hpp), its body within the route's bound.
  Exchange(Request& req, Responder& res);
  ~Exchange();
  Exchange(const Exchange&) = delete;
  Exchange& operator=(const Exchange&) = delete;
  // HttpError 400 when the URL was bad (then segments and query are empty).
  void validate() const;

  const std::string& method() const;
  // "/api/v1/suppliers/V%2F1" → {"api", "v1", "suppliers", "V/1"}; throws HttpError 400
  // on bad percent-encoding or bytes that are not UTF-8.
  const std::vector<std::string>& segments() const { return segments_; }
  const std::string& path() const { return path_; }
  // Whether the user's browser reaches the server over HTTPS (a --public-url https://…,
  // or a proxy's X-Forwarded-Proto: https): cookies are then marked Secure.
  void set_secure(bool on) { secure_ = on; }
  const char* cookie_secure() const { return secure_ ? "; Secure" : ""; }
  // The request target as sent (not decoded), for routing an answer whose URL was bad.
  const std::string& raw_path() const;
  // The first value of a query parameter (decoded), or nullopt.
  std::optional<std::string> query(const std::string& key) const;
  const std::vector<std::pair<std::string, std::string>>& query_params() const { return query_; }
  // "" when absent.
  std::string header(const std::string& name) const;
  // The value of a cookie the client sent, "" when absent.
  std::string cookie(const std::string& name) const;
  std::string client_address() const;

  // The whole body; HttpError 413 past `limit` bytes.
  std::string body(std::size_t limit);
  // The body as a stream, for a large upload read part by part (multipart/form-data):
  // HttpError 413 when it is over `limit` bytes. Call once, instead of body().
  std::istringstream& body_stream(std::size_t limit);
  // Kept for the upload reader: a body is never cut short (it is read whole or refused).
  bool body_cut_short() const { return false; }
  // The Host the client named ("" when it named none: an HTTP/1.0 request may not).
  std::string host() const { return header("Host"); }

  void send(int status, const std::string& content_type, const std::string& body);
  // The answer to a HEAD request: the headers a GET would get, its body `length` bytes.
  void send_head(int status, const std::string& content_type, std::size_t length);
  void send_json(int status, const std::string& json) { send(status, "application/json; charset=utf-8", json); }
  void problem(const HttpError& e);
  // A chunked body, for long answers (the audit export); headers go out first.
  std::ostream& stream(int status, const std::string& content_type);
  // Sets a response header, replacing one of the same name.
  void set_header(const std::string& name, const std::string& value);
  bool sent() const { return sent_; }
  // After a failure part-way through a streamed answer: the connection is cut without
  // the closing chunk, so the client sees a broken transfer, not a complete one.
  void abort();

 private:
  void parse_url();
  Request& req_;
  Responder& res_;
  bool secure_ = false;
  std::vector<std::pair<std::string, std::string>> out_headers_;
  std::string path_;
  std::vector<std::string> segments_;
  std::vector<std::pair<std::string, std::string>> query_;
  bool sent_ = false;
  std::optional<HttpError> bad_url_;
  std::unique_ptr<std::istringstream> body_in_;
};

// "/erp/suppliers/V%2F1?lang=en" → decoded path, its segments and query pairs.
// Throws HttpError 400 on bad percent-encoding or bytes that are not UTF-8.
void parse_target(const std::string& uri, std::string& path, std::vector<std::string>& segments,
                  std::vector<std::pair<std::string, std::string>>& query);

// Percent-decoding of one URL component ('+' stays '+'; query values also map '+'
// to a space). Throws HttpError 400 on a bad escape.
std::string percent_decode(const std::string& s, bool plus_is_space);

}  // namespace hoshi::http
