// The answer side of the front (http_front.hpp): a worker's whole answer is written
// without waiting (what the socket does not take is handed back to the front's event
// loop); a streamed one waits for the client in short slices, up to the write timeout.
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <streambuf>

#include "http/http_front.hpp"

namespace hoshi::http {

std::string http_date() {
  char buf[64];
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

namespace {
bool iequal(const std::string& a, const char* b) { return strcasecmp(a.c_str(), b) == 0; }
}  // namespace

class Responder::ChunkBuf : public std::streambuf {
 public:
  ChunkBuf(Responder& r, bool chunked) : r_(r), chunked_(chunked) { setp(buf_, buf_ + sizeof buf_); }
  void finish() {
    flush_chunk();
    if (chunked_ && !r_.head_only_) r_.write_all("0\r\n\r\n");
  }

 protected:
  int_type overflow(int_type c) override {
    flush_chunk();
    if (c != traits_type::eof()) {
      *pptr() = traits_type::to_char_type(c);
      pbump(1);
    }
    return r_.failed_ ? traits_type::eof() : traits_type::not_eof(c);
  }
  int sync() override {
    flush_chunk();
    return r_.failed_ ? -1 : 0;
  }

 private:
  void flush_chunk() {
    const auto n = static_cast<std::size_t>(pptr() - pbase());
    setp(buf_, buf_ + sizeof buf_);
    if (n == 0 || r_.head_only_ || r_.failed_) return;
    if (chunked_) {
      char size[24];
      std::snprintf(size, sizeof size, "%zx\r\n", n);
      std::string chunk(size);
      chunk.append(buf_, n).append("\r\n");
      r_.write_all(chunk);
    } else {
      r_.write_all(std::string_view(buf_, n));
    }
  }
  Responder& r_;
  bool chunked_;
  char buf_[32768];
};

Responder::Responder(int fd, const RequestHead& request, int write_timeout_ms, const std::atomic<bool>* stopping)
    : fd_(fd),
      head_only_(request.method == "HEAD"),
      http11_(request.http11),
      keep_alive_(request.keep_alive),
      write_timeout_ms_(write_timeout_ms),
      stopping_(stopping) {}

Responder::~Responder() = default;

bool Responder::write_all(std::string_view data) {
  int waited_ms = 0;
  while (!data.empty() && !failed_) {
    const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      waited_ms = 0;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && waited_ms < write_timeout_ms_ &&
        !(stopping_ && stopping_->load())) {
      pollfd p{fd_, POLLOUT, 0};
      const int r = ::poll(&p, 1, 250);  // in slices: a stopping server does not wait long
      if (r >= 0 && !(p.revents & (POLLERR | POLLNVAL))) {
        if (r == 0) waited_ms += 250;
        continue;
      }
      if (r < 0 && errno == EINTR) continue;
    }
    failed_ = true;  // gone, or not reading
  }
  return !failed_;
}

std::string Responder::head_text(int status, const Headers& headers, const std::string& framing) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_phrase(status) + "\r\n";
  for (const auto& [k, v] : headers) {
    if (iequal(k, "Connection")) {
      if (iequal(v, "close")) keep_alive_ = false;
      continue;
    }
    if (iequal(k, "Content-Length") || iequal(k, "Transfer-Encoding")) continue;
    out += k + ": " + v + "\r\n";
  }
  out += "Date: " + http_date() + "\r\nServer: hoshitori\r\n" + framing;
  if (!keep_alive_)
    out += "Connection: close\r\n";
  else if (!http11_)
    out += "Connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

void Responder::send(int status, const Headers& headers, std::string_view body, std::optional<std::size_t> length) {
  started_ = true;
  const std::size_t said = head_only_ && length ? *length : body.size();
  std::string out = head_text(status, headers, "Content-Length: " + std::to_string(said) + "\r\n");
  if (!head_only_) out.append(body);
  std::size_t off = 0;
  while (off < out.size()) {
    const ssize_t n = ::send(fd_, out.data() + off, out.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      off += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      break;  // the rest is the front's to write
    } else {
      failed_ = true;
      return;
    }
  }
  if (off < out.size()) pending_ = out.substr(off);
}

std::ostream& Responder::stream(int status, const Headers& headers) {
  started_ = true;
  if (!http11_) keep_alive_ = false;  // HTTP/1.0: the body ends where the connection does
  write_all(head_text(status, headers, http11_ ? "Transfer-Encoding: chunked\r\n" : ""));
  chunks_ = std::make_unique<ChunkBuf>(*this, http11_);
  out_ = std::make_unique<std::ostream>(chunks_.get());
  return *out_;
}

void Responder::finish() {
  if (chunks_) {
    out_->flush();
    chunks_->finish();
    out_.reset();
    chunks_.reset();
  }
}

}  // namespace hoshi::http
