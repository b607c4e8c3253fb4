// The server's front: one event-driven thread (epoll) accepts connections, reads each
// request — head and whole body — under deadlines for the whole head and the whole body
// (not per byte), with strict framing (http_parser.hpp), and writes the answers the
// workers leave it. Only a complete request goes to a worker thread, and a worker never
// waits for a slow reader: what the socket does not take at once is handed back to the
// front. So slow, silent or non-reading clients hold memory (bounded in all), never a
// worker. Beyond the workers, complete requests wait in a bounded queue (503 when full);
// connections are bounded in all and per client address (the address's own oldest idle
// or unfinished connection gives way to its new one); idle keep-alive connections are
// closed early when connections run short; bodies buffered at once are bounded in all
// (503 past it), and a route may have a request's head checked by a worker before a large
// body is read (the supplier's upload: only for a link that exists). After any refusal of
// the framing the connection is closed, so no unread byte is ever taken for the next
// request.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_parser.hpp"

namespace hoshi::http {

struct FrontOptions {
  std::string host = "127.0.0.1";
  int port = 0;                           // 0: any free port
  int workers = 16;                       // threads running handlers
  std::size_t max_queued = 256;           // complete requests waiting for a worker; 503 past it
  std::size_t max_connections = 4096;     // open connections in all (bounded by the fd limit)
  std::size_t max_per_address = 256;      // per client address; 0: no bound
  std::size_t max_buffered = 256u << 20;  // request bodies held at once, in all; 503 past it
  int head_timeout_ms = 10000;            // the whole request head, from its first byte
  int idle_timeout_ms = 15000;            // a kept-alive connection waiting for its next request
  int pressed_idle_timeout_ms = 1000;     // the same when over 3/4 of max_connections are open
  int body_timeout_ms = 20000;            // the body: this long, plus its bytes at body_min_rate
  std::size_t body_min_rate = 8 * 1024;   // bytes per second
  int write_timeout_ms = 30000;           // an answer the client does not read for this long is cut
  HeadLimits head_limits;
};

// A request read whole by the front.
struct Request {
  RequestHead head;
  std::string body;
  std::string peer;  // the client's address ("127.0.0.1", "::1")
};

// Writes one answer on the connection, for a handler on a worker thread.
class Responder {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  // `stopping`: a streamed answer stops waiting for the client when it turns true.
  Responder(int fd, const RequestHead& request, int write_timeout_ms, const std::atomic<bool>* stopping = nullptr);
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // The whole answer; Content-Length, Date, Server and Connection are added. A HEAD
  // request gets the headers only. Once per request. Never waits: what the socket does
  // not take now is kept (pending()) for the front to write.
  // `length`, for a HEAD request only: the Content-Length a GET's body would have.
  void send(int status, const Headers& headers, std::string_view body,
            std::optional<std::size_t> length = std::nullopt);
  // A chunked answer (the body delimited by closing the connection for HTTP/1.0):
  // headers go out now, the body as it is written, waiting for the client for at most
  // the write timeout at a time; finish() ends it. For long answers to staff (exports).
  std::ostream& stream(int status, const Headers& headers);
  void finish();
  // Gives up on the answer: nothing more is written and the connection is closed.
  void abort() { failed_ = true; }
  bool started() const { return started_; }
  // The client went away or stopped reading: the connection is closed.
  bool failed() const { return failed_; }
  bool keep_alive() const { return keep_alive_ && !failed_; }
  // What send() could not write at once.
  std::string take_pending() { return std::move(pending_); }

  // Writes all of `data` unless the client stalls for the write timeout; false then.
  bool write_all(std::string_view data);

 private:
  class ChunkBuf;
  std::string head_text(int status, const Headers& headers, const std::string& framing);
  int fd_;
  bool head_only_;
  bool http11_;
  bool keep_alive_;
  int write_timeout_ms_;
  const std::atomic<bool>* stopping_;
  bool started_ = false;
  bool failed_ = false;
  std::string pending_;
  std::unique_ptr<ChunkBuf> chunks_;
  std::unique_ptr<std::ostream> out_;
};

class HttpFront {
 public:
  using Handler = std::function<void(Request&, Responder&)>;
  // How many body bytes a request may send, from its head (413 and closed past it), and
  // whether a worker must check the head first (`check`) before that many are read.
  struct BodyRule {
    std::size_t limit;
    bool check = false;
  };
  using BodyLimit = std::function<BodyRule(const RequestHead&)>;
  // On a worker, for a head whose rule asked for it: the bound its body really gets.
  using HeadCheck = std::function<std::size_t(const RequestHead&)>;

  HttpFront(FrontOptions options, Handler handler, BodyLimit body_limit, HeadCheck check = nullptr);
  ~HttpFront();
  HttpFront(const HttpFront&) = delete;
  HttpFront& operator=(const HttpFront&) = delete;

  // Binds and starts; throws std::runtime_error naming the address when it cannot.
  void start();
  // Stops accepting, lets answers in progress finish, closes every connection.
  void stop();
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// "Mon, 07 Dec 2026 20:00:00 GMT"
std::string http_date();

}  // namespace hoshi::http
