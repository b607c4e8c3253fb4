// Who is looking at an ERP screen: a host proxying with its API key (Bearer, as the
// REST API), or a person who followed a signed link the host minted (then a session
// cookie: HttpOnly, SameSite=Strict, path /erp/). Every form POST carries a CSRF
// token bound to that caller.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/auth.hpp"
#include "http/exchange.hpp"

namespace hoshi::http {

class StaffAuth {
 public:
  StaffAuth(Service& svc, Authenticator& keys, FailureLimiter& limiter)
      : svc_(svc), keys_(keys), limiter_(limiter) {}

  // The caller, or HttpError 401 (no key, no session) / 403 (role too low).
  Caller require(const Exchange& ex, records::Role need);
  // GET /erp/login?…: checks the signed link, accepts its nonce once, opens a session
  // and redirects to the link's page. Answers 403 (bad link) or 410 (expired/used).
  void login(Exchange& ex);
  // The token forms must echo in "csrf"; check_csrf throws HttpError 403 on a mismatch.
  std::string csrf_token(const Caller& c);
  void check_csrf(const Caller& c, const std::string& presented);

  static constexpr const char* kCookie = "hoshitori_staff";

 private:
  struct Session {
    Caller caller;
    std::string csrf;
    std::chrono::steady_clock::time_point expires;
  };
  const std::string& secret();
  Service& svc_;
  Authenticator& keys_;
  FailureLimiter& limiter_;
  std::mutex mutex_;
  std::string secret_;
  std::unordered_map<std::string, Session> sessions_;  // by SHA-256 of the cookie value
  std::unordered_map<std::string, long long> used_nonces_;  // nonce → expiry (Unix s)
};

}  // namespace hoshi::http
