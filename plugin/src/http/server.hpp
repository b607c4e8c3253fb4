// The plugin's own web server: the REST API under /api/v1/, the ERP screens (/erp/) and
// the supplier form (/s/{token}), behind an event-driven front (http_front.hpp) that
// reads each request whole under deadlines before a worker sees it. Started by
// `hoshitori serve`, or in-process by a host through the C ABI.
#pragma once
#include <memory>
#include <string>

#include "service/service.hpp"

namespace hoshi::http {

struct WebOptions {
  std::string host = "127.0.0.1";      // loopback unless the operator says otherwise
  int port = 0;                        // 0: any free port (see WebServer::port)
  int max_threads = 16;                // workers running handlers
  int max_queued = 256;                // complete requests waiting for a worker (503 past it)
  std::size_t max_connections = 4096;  // open connections (bounded by the descriptor limit)
  std::size_t max_per_address = 256;   // per client address (0: none); see http_front.hpp
  int head_timeout_ms = 10000;         // the whole request head
  int idle_timeout_ms = 15000;         // a kept-alive connection between requests
  std::size_t max_body = 1 << 20;      // JSON request bodies
  int bad_key_allowance = 20;          // failed keys per address per minute before 429
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
