// The plugin's own web server (Poco HTTPServer): the REST API under /api/v1/, and
// later the ERP screens (/erp/) and the supplier form (/s/{token}). Started by
// `hoshitori serve`, or in-process by a host through the C ABI.
#pragma once
#include <memory>
#include <string>

#include "service/service.hpp"

namespace hoshi::http {

struct WebOptions {
  std::string host = "127.0.0.1";  // loopback unless the operator says otherwise
  int port = 0;                    // 0: any free port (see WebServer::port)
  int max_threads = 16;
  int max_queued = 256;
  std::size_t max_body = 1 << 20;  // JSON request bodies
  int bad_key_allowance = 20;      // failed keys per address per minute before 429
  // CSP frame-ancestors of the ERP screens: who may show them in a frame.
  std::string frame_ancestors = "'self'";
  // Where suppliers reach the server ("https://hoshitori.example.co.jp"), for the links
  // the screens make; "" takes the request's Host header (fine on loopback, not behind a
  // proxy that rewrites it).
  std::string public_url;
};

// "127.0.0.1:8080", "[::1]:8080", ":8080" or "8080" → host, port; false with `why`.
bool parse_listen(const std::string& text, std::string& host, int& port, std::string& why);

class WebServer {
 public:
  WebServer(Service& svc, WebOptions options);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds and starts answering; throws std::runtime_error when the address is taken.
  void start();
  // Stops accepting and waits for requests in progress. Safe to call twice.
  void stop();
  int port() const;
  std::string base_url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hoshi::http
