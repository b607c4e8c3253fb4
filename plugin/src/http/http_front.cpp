#include "http/http_front.hpp"
#include "http/http_listen.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>

namespace hoshi::http {

using Clock = std::chrono::steady_clock;

namespace {

// A short answer from the front itself (framing refused, too many requests), written
// without waiting: it fits in the socket's buffer of a connection that has sent nothing back.
std::string front_answer(int status, const std::string& detail) {
  std::string body = "{\"type\":\"about:blank\",\"title\":\"" + std::string(reason_phrase(status)) +
                     "\",\"status\":" + std::to_string(status) + ",\"detail\":\"";
  for (char c : detail) {
    if (c == '"' || c == '\\') body += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) body += c;
  }
  body += "\"}";
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\nDate: " + http_date() +
                    "\r\nServer: hoshitori\r\nContent-Type: application/problem+json; charset=utf-8\r\n"
                    "Cache-Control: no-store\r\nConnection: close\r\n";
  if (status == 503) out += "Retry-After: 1\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return out;
}

void write_now(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

std::string peer_of(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
  else if (a.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  return buf;
}

struct Conn {
  // idle → head → (checked →) body → busy (a worker has it) → writing (the answer's rest) → idle …
  enum class State { idle, head, checked, body, busy, writing, linger };
  int fd = -1;
  std::string peer;
  State state = State::idle;
  std::string in;  // received and not yet used
  RequestHead head;
  std::string body;
  ChunkedDecoder chunks;
  std::size_t body_limit = 0;
  bool check = false;        // a worker is to check the head (not to answer it)
  std::size_t reserved = 0;  // bytes of the body budget this request holds
  std::string out;           // the answer's part still to write
  std::size_t out_off = 0;
  bool close_after = false;    // close once `out` is written
  Clock::time_point since;     // the current state began
  Clock::time_point deadline;  // when the current state must be over
  std::size_t lingered = 0;    // bytes dropped while closing
  bool served = false;         // a request was answered on it
};
using ConnPtr = std::shared_ptr<Conn>;

// What a worker hands back to the front.
struct Back {
  ConnPtr c;
  bool close = false;
  std::string pending;  // the answer's rest
};

}  // namespace

struct HttpFront::Impl {
  Impl(FrontOptions o, Handler h, BodyLimit l, HeadCheck k)
      : options(std::move(o)), handler(std::move(h)), body_limit(std::move(l)), head_check(std::move(k)) {}

  FrontOptions options;
  Handler handler;
  BodyLimit body_limit;
  HeadCheck head_check;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1;
  int bound_port = 0;
  std::atomic<bool> stopping{false};
  std::thread io;
  std::vector<std::thread> workers;

  // the I/O thread's own
  std::unordered_map<int, ConnPtr> conns;
  std::unordered_map<std::string, std::size_t> per_address;
  std::size_t buffered = 0;  // bodies held at once (Conn::reserved, added up)

  // requests (and heads to check) for the workers
  std::mutex job_mutex;
  std::condition_variable job_ready;
  std::deque<ConnPtr> jobs;
  std::mutex back_mutex;
  std::vector<Back> back;

  void run_io();
  void run_worker();
  void accept_all();
  bool make_room(const std::string& peer);
  void readable(const ConnPtr& c);
  void writable(const ConnPtr& c);
  void use_input(const ConnPtr& c);
  void begin_body(const ConnPtr& c);
  bool reserve(const ConnPtr& c, std::size_t bytes);
  void release(const ConnPtr& c) {
    buffered -= c->reserved;
    c->reserved = 0;
  }
  void dispatch(const ConnPtr& c);
  void refuse(const ConnPtr& c, int status, const std::string& why);
  void linger(const ConnPtr& c);
  void close_conn(const ConnPtr& c);
  void take_back();
  void sweep();
  void set_idle(const ConnPtr& c);
  void watch(const ConnPtr& c, std::uint32_t events = EPOLLIN | EPOLLRDHUP) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = c->fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, c->fd, &ev);
  }
  void rewatch(const ConnPtr& c, std::uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.fd = c->fd;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &ev);
  }
  void unwatch(const ConnPtr& c) { epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, nullptr); }
  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(wake_fd, &one, sizeof one);
  }
  static Clock::duration ms(int v) { return std::chrono::milliseconds(v); }
  bool pressed() const { return conns.size() * 4 > options.max_connections * 3; }
  static bool with_worker(const Conn& c) { return c.state == Conn::State::busy || c.state == Conn::State::checked; }
};

HttpFront::HttpFront(FrontOptions options, Handler handler, BodyLimit body_limit, HeadCheck check)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler), std::move(body_limit), std::move(check))) {}

HttpFront::~HttpFront() { stop(); }

int HttpFront::port() const { return impl_->bound_port; }

void HttpFront::start() {
  Impl& m = *impl_;
  if (m.listen_fd >= 0) return;
  m.options.max_connections = connection_cap(m.options.max_connections);
  m.listen_fd = open_listener(m.options.host, m.options.port, m.bound_port);
  m.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  m.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = m.listen_fd;
  epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, m.listen_fd, &ev);
  ev.data.fd = m.wake_fd;
  epoll_ctl(m.epoll_fd, EPOLL_CTL_ADD, m.wake_fd, &ev);
  m.stopping = false;
  for (int i = 0; i < std::max(1, m.options.workers); ++i) m.workers.emplace_back([&m] { m.run_worker(); });
  m.io = std::thread([&m] { m.run_io(); });
}

void HttpFront::stop() {
  Impl& m = *impl_;
  if (m.listen_fd < 0) return;
  m.stopping = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] ssize_t w = ::write(m.wake_fd, &one, sizeof one);
  m.job_ready.notify_all();
  for (auto& t : m.workers) t.join();
  m.workers.clear();
  if (m.io.joinable()) m.io.join();
  {
    std::lock_guard lock(m.back_mutex);
    for (auto& b : m.back) m.close_conn(b.c);
    m.back.clear();
  }
  std::vector<ConnPtr> left;
  for (auto& [fd, c] : m.conns) left.push_back(c);
  for (auto& c : left) m.close_conn(c);
  m.per_address.clear();
  ::close(m.listen_fd);
  ::close(m.epoll_fd);
  ::close(m.wake_fd);
  m.listen_fd = m.epoll_fd = m.wake_fd = -1;
}

void HttpFront::Impl::run_io() {
  epoll_event events[256];
  Clock::time_point last_sweep = Clock::now();
  while (!stopping) {
    const int n = epoll_wait(epoll_fd, events, 256, 100);
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listen_fd) {
        accept_all();
      } else if (fd == wake_fd) {
        std::uint64_t v;
        [[maybe_unused]] ssize_t r = ::read(wake_fd, &v, sizeof v);
        take_back();
      } else if (auto it = conns.find(fd); it != conns.end()) {
        ConnPtr c = it->second;  // keep it alive while it is handled
        if (c->state == Conn::State::writing)
          writable(c);
        else
          readable(c);
      }
    }
    if (Clock::now() - last_sweep >= std::chrono::milliseconds(100)) {
      sweep();
      last_sweep = Clock::now();
    }
  }
  // connections not with a worker are closed; the workers' come back and are closed by stop()
  std::vector<ConnPtr> open;
  for (auto& [fd, c] : conns)
    if (!with_worker(*c)) open.push_back(c);
  for (auto& c : open) close_conn(c);
}

void HttpFront::Impl::run_worker() {
  for (;;) {
    ConnPtr c;
    {
      std::unique_lock lock(job_mutex);
      job_ready.wait(lock, [&] { return stopping || !jobs.empty(); });
      if (jobs.empty()) return;  // stopping, nothing left
      c = std::move(jobs.front());
      jobs.pop_front();
    }
    if (c->check) {  // only the head, before its body is read
      try {
        c->body_limit = head_check ? head_check(c->head) : c->body_limit;
      } catch (const std::exception&) {
        c->body_limit = 0;
      }
      {
        std::lock_guard lock(back_mutex);
        back.push_back(Back{c, false, {}});
      }
      wake();
      continue;
    }
    Request req{std::move(c->head), std::move(c->body), c->peer};
    c->head = RequestHead{};
    c->body = std::string();
    if (stopping) req.head.keep_alive = false;
    Responder r(c->fd, req.head, options.write_timeout_ms, &stopping);
    try {
      handler(req, r);
    } catch (const std::exception&) {
      if (!r.started()) r.send(500, {{"Content-Type", "text/plain; charset=utf-8"}}, "internal error");
    }
    if (!r.started()) r.send(500, {{"Content-Type", "text/plain; charset=utf-8"}}, "no answer");
    r.finish();
    {
      std::lock_guard lock(back_mutex);
      back.push_back(Back{c, !r.keep_alive(), r.take_pending()});
    }
    wake();
  }
}

void HttpFront::Impl::take_back() {
  std::vector<Back> got;
  {
    std::lock_guard lock(back_mutex);
    got.swap(back);
  }
  for (auto& b : got) {
    const ConnPtr& c = b.c;
    if (c->state == Conn::State::checked) {  // the head was checked: now its body
      if (stopping) {
        close_conn(c);
        continue;
      }
      watch(c);
      begin_body(c);
      if (c->state == Conn::State::body) use_input(c);
      continue;
    }
    release(c);
    c->served = true;
    if (!b.pending.empty() && !stopping) {
      c->state = Conn::State::writing;
      c->out = std::move(b.pending);
      c->out_off = 0;
      c->close_after = b.close;
      c->since = Clock::now();
      c->deadline = c->since + ms(options.write_timeout_ms);
      watch(c, EPOLLOUT);
      continue;
    }
    if (b.close || stopping) {
      linger(c);
      continue;
    }
    set_idle(c);
    watch(c);
    use_input(c);  // a request sent behind the last one
  }
}

// The rest of an answer the worker could not write at once, as the client reads it.
void HttpFront::Impl::writable(const ConnPtr& c) {
  while (c->out_off < c->out.size()) {
    const ssize_t n =
        ::send(c->fd, c->out.data() + c->out_off, c->out.size() - c->out_off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c->out_off += static_cast<std::size_t>(n);
      c->deadline = Clock::now() + ms(options.write_timeout_ms);  // it reads: it may go on
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close_conn(c);
  }
  c->out = std::string();
  c->out_off = 0;
  if (c->close_after) {
    unwatch(c);
    c->state = Conn::State::busy;  // so that linger() watches it again for reading
    return linger(c);
  }
  set_idle(c);
  rewatch(c, EPOLLIN | EPOLLRDHUP);
  use_input(c);
}

void HttpFront::Impl::set_idle(const ConnPtr& c) {
  c->state = Conn::State::idle;
  c->since = Clock::now();
  c->deadline = c->since + ms(!c->served ? options.head_timeout_ms
                                         : (pressed() ? options.pressed_idle_timeout_ms : options.idle_timeout_ms));
}

void HttpFront::Impl::accept_all() {
  for (;;) {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or out of descriptors until some close
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::string peer = peer_of(sa);
    if (!make_room(peer)) {
      write_now(fd, front_answer(503, "too many connections; try again shortly"));
      ::close(fd);
      continue;
    }
    auto c = std::make_shared<Conn>();
    c->fd = fd;
    c->peer = std::move(peer);
    set_idle(c);
    conns.emplace(fd, c);
    ++per_address[c->peer];
    watch(c);
  }
}

// Room for a new connection from `peer`: the oldest idle, else unfinished, else slowest
// reading connection gives way — of that address when it is at its bound, of anyone
// when all are taken.
bool HttpFront::Impl::make_room(const std::string& peer) {
  auto oldest = [&](bool same_address) -> ConnPtr {
    ConnPtr best;
    int best_rank = 9;
    for (auto& [fd, c] : conns) {
      if (same_address && c->peer != peer) continue;
      int rank = c->state == Conn::State::linger    ? 0
                 : c->state == Conn::State::idle    ? (c->served ? 1 : 2)
                 : c->state == Conn::State::head    ? 3
                 : c->state == Conn::State::body    ? 4
                 : c->state == Conn::State::writing ? 5
                                                    : 9;
      if (rank == 9) continue;  // with a worker
      if (rank < best_rank || (rank == best_rank && c->since < best->since)) {
        best = c;
        best_rank = rank;
      }
    }
    return best;
  };
  if (options.max_per_address > 0) {
    auto it = per_address.find(peer);
    if (it != per_address.end() && it->second >= options.max_per_address) {
      ConnPtr victim = oldest(true);
      if (!victim) return false;
      close_conn(victim);
    }
  }
  if (conns.size() >= options.max_connections) {
    ConnPtr victim = oldest(false);
    if (!victim) return false;
    close_conn(victim);
  }
  return true;
}

void HttpFront::Impl::readable(const ConnPtr& c) {
  char buf[65536];
  for (;;) {
    if (with_worker(*c) || c->state == Conn::State::writing || c->fd < 0) return;
    // no more than a head's worth waits unread behind a request
    if (c->state != Conn::State::linger && c->state != Conn::State::body &&
        c->in.size() > options.head_limits.max_head + sizeof buf)
      return;
    const ssize_t n = ::recv(c->fd, buf, sizeof buf, 0);
    if (n > 0) {
      if (c->state == Conn::State::linger) {
        c->lingered += static_cast<std::size_t>(n);
        if (c->lingered > (1u << 20)) return close_conn(c);
        continue;
      }
      c->in.append(buf, static_cast<std::size_t>(n));
      use_input(c);
      if (static_cast<std::size_t>(n) < sizeof buf) return;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    return close_conn(c);  // closed by the client, or reset
  }
}

void HttpFront::Impl::use_input(const ConnPtr& c) {
  for (;;) {
    switch (c->state) {
      case Conn::State::idle:
        if (c->in.empty()) return;
        c->state = Conn::State::head;
        c->since = Clock::now();
        c->deadline = c->since + ms(options.head_timeout_ms);
        [[fallthrough]];
      case Conn::State::head: {
        std::size_t used = 0;
        try {
          used = parse_request_head(c->in, c->head, options.head_limits);
        } catch (const FramingError& e) {
          return refuse(c, e.status, e.what());
        }
        if (used == 0) return;
        c->in.erase(0, used);
        c->body.clear();
        if (c->head.body == RequestHead::Body::none) return dispatch(c);
        const BodyRule rule = body_limit ? body_limit(c->head) : BodyRule{1 << 20, false};
        c->body_limit = rule.limit;
        if (rule.check && head_check) {  // a worker looks at the head before the body is read
          unwatch(c);
          c->state = Conn::State::checked;
          c->check = true;
          std::lock_guard lock(job_mutex);
          if (jobs.size() >= options.max_queued) {
            c->check = false;
            c->state = Conn::State::busy;
            return refuse(c, 503, "the server is busy; try again shortly");
          }
          jobs.push_back(c);
          job_ready.notify_one();
          return;
        }
        begin_body(c);
        break;
      }
      case Conn::State::body: {
        if (c->head.body == RequestHead::Body::length) {
          const std::size_t take = std::min<std::size_t>(c->in.size(), c->head.content_length - c->body.size());
          c->body.append(c->in, 0, take);
          c->in.erase(0, take);
          if (c->body.size() == c->head.content_length) return dispatch(c);
        } else {
          try {
            const std::size_t used = c->chunks.feed(c->in, c->body, c->body_limit);
            c->in.erase(0, used);
          } catch (const FramingError& e) {
            return refuse(c, e.status, e.what());
          }
          if (c->body.size() > c->reserved && !reserve(c, c->body.size() - c->reserved))
            return refuse(c, 503, "the server holds too many request bodies; try again shortly");
          if (c->chunks.done()) return dispatch(c);
        }
        // the body keeps its deadline while it arrives at the least rate
        const auto allowed =
            ms(options.body_timeout_ms) +
            std::chrono::milliseconds(c->body.size() * 1000 / std::max<std::size_t>(1, options.body_min_rate));
        c->deadline = c->since + allowed;
        return;
      }
      case Conn::State::checked:
      case Conn::State::busy:
      case Conn::State::writing:
      case Conn::State::linger:
        return;
    }
  }
}

// The head is known and its bound set: refuse a body over it, or start reading it.
void HttpFront::Impl::begin_body(const ConnPtr& c) {
  c->check = false;
  c->state = Conn::State::head;
  if (c->head.body == RequestHead::Body::length && c->head.content_length > c->body_limit)
    return refuse(c, 413,
                  "the request body is " + std::to_string(c->head.content_length) + " bytes; at most " +
                      std::to_string(c->body_limit) + " are accepted here");
  if (c->head.body == RequestHead::Body::length && !reserve(c, c->head.content_length))
    return refuse(c, 503, "the server holds too many request bodies; try again shortly");
  c->chunks = ChunkedDecoder{};
  c->state = Conn::State::body;
  c->since = Clock::now();
  c->deadline = c->since + ms(options.body_timeout_ms);
  if (c->head.expect_continue && c->head.http11) write_now(c->fd, "HTTP/1.1 100 Continue\r\n\r\n");
}

bool HttpFront::Impl::reserve(const ConnPtr& c, std::size_t bytes) {
  if (buffered + bytes > options.max_buffered) return false;
  buffered += bytes;
  c->reserved += bytes;
  return true;
}

void HttpFront::Impl::dispatch(const ConnPtr& c) {
  unwatch(c);
  c->state = Conn::State::busy;
  {
    std::lock_guard lock(job_mutex);
    if (jobs.size() < options.max_queued) {
      jobs.push_back(c);
      job_ready.notify_one();
      return;
    }
  }
  refuse(c, 503, "the server is busy; try again shortly");
}

void HttpFront::Impl::refuse(const ConnPtr& c, int status, const std::string& why) {
  write_now(c->fd, front_answer(status, why));
  linger(c);
}

// Closing after an answer: the write side first, then what the client still sends is
// read and dropped for a moment, so that the answer is not lost to a reset.
void HttpFront::Impl::linger(const ConnPtr& c) {
  release(c);
  ::shutdown(c->fd, SHUT_WR);
  if (c->state == Conn::State::busy || c->state == Conn::State::checked) watch(c);
  c->state = Conn::State::linger;
  c->in = std::string();
  c->body = std::string();
  c->out = std::string();
  c->since = Clock::now();
  c->deadline = c->since + std::chrono::seconds(2);
}

void HttpFront::Impl::close_conn(const ConnPtr& c) {
  if (c->fd < 0) return;
  release(c);
  unwatch(c);
  ::close(c->fd);
  conns.erase(c->fd);
  if (auto it = per_address.find(c->peer); it != per_address.end() && --it->second == 0) per_address.erase(it);
  c->fd = -1;
}

void HttpFront::Impl::sweep() {
  const auto now = Clock::now();
  std::vector<ConnPtr> late;
  for (auto& [fd, c] : conns)
    if (!with_worker(*c) && now >= c->deadline) late.push_back(c);
  for (auto& c : late) {
    if (c->state == Conn::State::head || c->state == Conn::State::body)
      refuse(c, 408, "the request did not arrive in time");
    else
      close_conn(c);  // idle, lingering, or an answer the client stopped reading
  }
}

}  // namespace hoshi::http
