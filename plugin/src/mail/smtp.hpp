// The one way out to SMTP: a connection (plain or STARTTLS, with AUTH when a user is
// configured) that sends one prepared message at a time and says how it went, telling
// a refusal before the message left (safe to retry) from a reply lost after it left.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>

namespace Poco::Net {
class SMTPClientSession;
class DialogSocket;
}  // namespace Poco::Net

namespace hoshi::mail {

struct SmtpConfig {
  std::string host = "127.0.0.1";
  int port = 25;
  std::string user, password;  // AUTH when user is set
  std::string auth = "plain";  // plain | login | cram-md5
  bool starttls = false;       // STARTTLS required before anything else
  bool verify = true;          // check the server's certificate (and name) under STARTTLS
  std::string ca_file;         // trusted CAs (PEM); empty: the system's
  std::string helo;            // EHLO name; empty: this host's name
  int timeout_seconds = 30;
};

// smtp://[user@]host[:port][?starttls=1&verify=0&cafile=PATH&auth=login]; the password
// comes from `password` (HOSHITORI_SMTP_PASSWORD), never from the URL. Throws
// Error (Code::invalid) naming the part that is wrong.
SmtpConfig parse_smtp_url(const std::string& url, const std::string& password = "");
// The URL without secrets, for messages and the audit trail.
std::string describe(const SmtpConfig& c);

// The server could not be reached or refused the session (connect, TLS, AUTH).
struct SmtpUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SendOutcome {
  enum class Kind {
    sent,       // 2xx after the message
    temporary,  // 4xx, or the connection failed before the message was sent: try later
    permanent,  // 5xx: never try again
    unknown     // the connection failed after the message went out: it may have arrived
  } kind = Kind::sent;
  std::string reply;  // the server's reply (or what went wrong), one line
};

class SmtpConnection {
 public:
  explicit SmtpConnection(SmtpConfig c);
  ~SmtpConnection();
  SmtpConnection(const SmtpConnection&) = delete;
  SmtpConnection& operator=(const SmtpConnection&) = delete;

  // Connects (and authenticates) when not connected; throws SmtpUnavailable.
  void open();
  // One message: MAIL FROM, RCPT TO, DATA. `data` ends lines with CRLF (not yet dot-stuffed).
  SendOutcome send(const std::string& from, const std::string& to, const std::string& data);
  void close();

 private:
  SmtpConfig c_;
  std::unique_ptr<Poco::Net::SMTPClientSession> s_;
  Poco::Net::DialogSocket* sock_ = nullptr;  // s_'s own socket
  bool pipelining_ = false;                  // the server offers PIPELINING (RFC 2920)
};

}  // namespace hoshi::mail
