// Who is looking at an ERP screen: a host proxying with its API key (Bearer, as the
// REST API), or a person who followed a signed link the host minted (then a session
// cookie: HttpOnly, SameSite=Strict, path /erp/). Every form POST carries a CSRF
// token bound to that caller.
//
// Sessions and the used links' nonces live in the database (records::StaffSessions), not
// in this process: a link works once across every server on the database, a session
// opened on one server works on all of them and survives a restart, and a logout ends it
// everywhere.
#pragma once
#include <mutex>
#include <string>

#include "http/auth.hpp"
#include "http/exchange.hpp"

namespace hoshi::http {

class StaffAuth {
 public:
  // Bad sign-in links count against `limiter` (attached here under the scope "signin").
  StaffAuth(Service& svc, Authenticator& keys, FailureLimiter& limiter) : svc_(svc), keys_(keys), limiter_(limiter) {
    limiter_.attach(svc, "signin");
  }

  // The caller, or HttpError 401 (no key, no live session) / 403 (role too low).
  Caller require(const Exchange& ex, records::Role need);
  // GET /erp/login?…: checks the signed link, accepts its nonce once, opens a session
  // and redirects to the link's page. Answers 403 (bad link) or 410 (expired/used).
  void login(Exchange& ex);
  // POST /erp/logout: ends the cookie's session on every server (its form token must
  // match while it is live), clears the cookie and redirects (303) to `signed_out`.
  void logout(Exchange& ex, const std::string& presented_csrf, const std::string& signed_out);
  // The token forms must echo in "csrf"; check_csrf throws HttpError 403 on a mismatch.
  std::string csrf_token(const Caller& c);
  void check_csrf(const Caller& c, const std::string& presented);

  static constexpr const char* kCookie = "hoshitori_staff";

 private:
  const std::string& secret();
  Service& svc_;
  Authenticator& keys_;
  FailureLimiter& limiter_;
  std::mutex mutex_;
  std::string secret_;  // the link-signing key (from the database, which never changes it)
};

}  // namespace hoshi::http
