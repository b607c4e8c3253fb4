#include "mail/smtp.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "core/error.hpp"

namespace hoshi::mail {
namespace {

using Poco::Net::SMTPClientSession;

// The session's dialog socket is protected in Poco; the message body goes straight to
// it (after our own DATA) so a lost reply can be told from a refusal.
template <class Base>
struct Exposed : Base {
  using Base::Base;
  Poco::Net::DialogSocket& dialog() { return this->socket(); }
  // EHLO, keeping the server's answer (its extensions)
  std::string ehlo(const std::string& helo) {
    std::string response;
    Base::login(helo, response);
    return response;
  }
};

bool offers_pipelining(const std::string& ehlo) {
  std::string up = ehlo;
  for (char& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return up.find("PIPELINING") != std::string::npos;
}

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  if (s.size() > 300) s.resize(300);
  return s;
}

SendOutcome classify(int status, const std::string& reply) {
  SendOutcome o;
  o.reply = one_line(reply);
  if (status >= 200 && status < 300)
    o.kind = SendOutcome::Kind::sent;
  else if (status >= 500)
    o.kind = SendOutcome::Kind::permanent;
  else
    o.kind = SendOutcome::Kind::temporary;
  return o;
}

// RFC 5321 §4.5.2: a line starting with '.' gets another; the message ends with CRLF.CRLF.
std::string dot_stuffed(const std::string& data) {
  std::string out;
  out.reserve(data.size() + 64);
  bool line_start = true;
  for (char c : data) {
    if (line_start && c == '.') out += '.';
    out += c;
    line_start = c == '\n';
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  out += ".\r\n";
  return out;
}

}  // namespace

SmtpConfig parse_smtp_url(const std::string& url, const std::string& password) {
  SmtpConfig c;
  Poco::URI u;
  try {
    u = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    throw Error(Code::invalid, "SMTP URL '" + url + "': " + e.displayText());
  }
  if (u.getScheme() != "smtp") throw Error(Code::invalid, "SMTP URL '" + url + "' must start with smtp://");
  if (u.getHost().empty()) throw Error(Code::invalid, "SMTP URL '" + url + "' names no host");
  c.host = u.getHost();
  c.port = u.getPort() ? u.getPort() : 25;
  const std::string ui = u.getUserInfo();
  if (ui.find(':') != std::string::npos)
    throw Error(Code::invalid, "SMTP URL: put the password in HOSHITORI_SMTP_PASSWORD, not in the URL");
  c.user = ui;
  c.password = password;
  for (const auto& [k, v] : u.getQueryParameters()) {
    if (k == "starttls")
      c.starttls = v == "1" || v == "true" || v == "required";
    else if (k == "verify")
      c.verify = !(v == "0" || v == "false" || v == "none");
    else if (k == "cafile")
      c.ca_file = v;
    else if (k == "auth") {
      if (v != "plain" && v != "login" && v != "cram-md5")
        throw Error(Code::invalid, "SMTP URL: auth must be plain, login or cram-md5, not " + v);
      c.auth = v;
    } else if (k == "helo")
      c.helo = v;
    else if (k == "timeout")
      c.timeout_seconds = std::max(1, std::atoi(v.c_str()));
    else
      throw Error(Code::invalid,
                  "SMTP URL: unknown parameter " + k + " (starttls, verify, cafile, auth, helo, timeout)");
  }
  if (!c.user.empty() && c.password.empty())
    throw Error(Code::invalid, "SMTP URL names user " + c.user + " but HOSHITORI_SMTP_PASSWORD is not set");
  return c;
}

std::string describe(const SmtpConfig& c) {
  std::string d = "smtp://" + (c.user.empty() ? "" : c.user + "@") + c.host + ":" + std::to_string(c.port);
  if (c.starttls) d += "?starttls=1";
  return d;
}

SmtpConnection::SmtpConnection(SmtpConfig c) : c_(std::move(c)) {
  if (c_.helo.empty()) {
    try {
      c_.helo = Poco::Net::DNS::hostName();
    } catch (...) {
      c_.helo = "localhost";
    }
  }
}

SmtpConnection::~SmtpConnection() { close(); }

void SmtpConnection::open() {
  if (s_) return;
  try {
    std::unique_ptr<SMTPClientSession> s;
    if (c_.starttls) {
      static const bool ssl_ready = [] {
        Poco::Net::initializeSSL();
        return true;
      }();
      (void)ssl_ready;
      auto secure =
          std::make_unique<Exposed<Poco::Net::SecureSMTPClientSession>>(c_.host, static_cast<Poco::UInt16>(c_.port));
      sock_ = &secure->dialog();
      secure->setTimeout(Poco::Timespan(c_.timeout_seconds, 0));
      secure->ehlo(c_.helo);
      Poco::Net::Context::Ptr ctx = new Poco::Net::Context(
          Poco::Net::Context::TLS_CLIENT_USE, c_.ca_file,
          c_.verify ? Poco::Net::Context::VERIFY_RELAXED : Poco::Net::Context::VERIFY_NONE, 9, c_.ca_file.empty());
      if (!secure->startTLS(ctx)) throw SmtpUnavailable(describe(c_) + ": the server does not offer STARTTLS");
      pipelining_ = offers_pipelining(secure->ehlo(c_.helo));  // the extensions again, now under TLS
      s = std::move(secure);
    } else {
      auto plain = std::make_unique<Exposed<SMTPClientSession>>(c_.host, static_cast<Poco::UInt16>(c_.port));
      sock_ = &plain->dialog();
      plain->setTimeout(Poco::Timespan(c_.timeout_seconds, 0));
      pipelining_ = offers_pipelining(plain->ehlo(c_.helo));
      s = std::move(plain);
    }
    if (!c_.user.empty()) {
      const auto method = c_.auth == "login"      ? SMTPClientSession::AUTH_LOGIN
                          : c_.auth == "cram-md5" ? SMTPClientSession::AUTH_CRAM_MD5
                                                  : SMTPClientSession::AUTH_PLAIN;
      s->login(c_.helo, method, c_.user, c_.password);
    }
    s_ = std::move(s);
  } catch (const SmtpUnavailable&) {
    throw;
  } catch (const Poco::Exception& e) {
    throw SmtpUnavailable(describe(c_) + ": " + one_line(e.displayText()));
  }
}

void SmtpConnection::close() {
  if (!s_) return;
  try {
    s_->close();  // QUIT
  } catch (...) {
  }
  s_.reset();
  sock_ = nullptr;
}

SendOutcome SmtpConnection::send(const std::string& from, const std::string& to, const std::string& data) {
  open();
  bool data_sent = false;
  try {
    std::string r_mail, r_rcpt, r_data;
    int st_mail = 0, st_rcpt = 0, st_data = 0;
    if (pipelining_) {
      // RFC 2920: the three commands in one write, then their three replies in order
      sock_->sendString("MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n");
      st_mail = sock_->receiveStatusMessage(r_mail);
      st_rcpt = sock_->receiveStatusMessage(r_rcpt);
      st_data = sock_->receiveStatusMessage(r_data);
    } else {
      st_mail = s_->sendCommand("MAIL FROM:", "<" + from + ">", r_mail);
      if (st_mail >= 200 && st_mail < 300) st_rcpt = s_->sendCommand("RCPT TO:", "<" + to + ">", r_rcpt);
      if (st_rcpt >= 200 && st_rcpt < 300) st_data = s_->sendCommand("DATA", r_data);
    }
    const bool refused = !(st_mail >= 200 && st_mail < 300) || !(st_rcpt >= 200 && st_rcpt < 300) || st_data != 354;
    if (refused) {
      SendOutcome o = !(st_mail >= 200 && st_mail < 300)   ? classify(st_mail, "MAIL FROM: " + r_mail)
                      : !(st_rcpt >= 200 && st_rcpt < 300) ? classify(st_rcpt, "RCPT TO: " + r_rcpt)
                                                           : classify(st_data, "DATA: " + r_data);
      std::string r2;
      if (st_data == 354) {  // a pipelining server that took DATA anyway: end an empty message
        sock_->sendString(".\r\n");
        sock_->receiveStatusMessage(r2);
      }
      if (st_mail == 421 || st_rcpt == 421 || st_data == 421)
        close();
      else
        s_->sendCommand("RSET", r2);
      return o;
    }
    data_sent = true;
    sock_->sendString(dot_stuffed(data));
    std::string reply;
    const int st = sock_->receiveStatusMessage(reply);
    if (st == 421) close();
    return classify(st, reply);
  } catch (const Poco::Exception& e) {
    s_.reset();  // the session is broken: reconnect next time
    sock_ = nullptr;
    SendOutcome o;
    o.kind = data_sent ? SendOutcome::Kind::unknown : SendOutcome::Kind::temporary;
    o.reply = one_line("connection: " + e.displayText());
    return o;
  }
}

}  // namespace hoshi::mail
