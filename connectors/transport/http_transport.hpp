// HTTP for the connectors (Tryton JSON-RPC, webhooks): the one place that knows the
// HTTP client library (cpprestsdk, in maintenance upstream), so it can be swapped
// without touching a connector.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hoshi::connectors {

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  int timeout_seconds = 30;
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// No answer at all: refused, unreachable, timed out, TLS failure. The message says which.
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Sends one request and reads the whole answer (at most `max_body` bytes of it).
HttpResponse http_send(const HttpRequest& request, std::size_t max_body = 16 * 1024 * 1024);

}  // namespace hoshi::connectors
