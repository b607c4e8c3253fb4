// Staff authentication for the REST API (and the ERP screens behind a host's proxy): an
// API key as "Authorization: Bearer hsk_…", and the host's user in "X-Hoshitori-User".
// The key is looked up in the store on every request (one primary-key read): a key
// revoked through any server or the CLI is refused by every server from then on.
#pragma once
#include <string>

#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "service/service.hpp"
#include "store/api_keys.hpp"

namespace hoshi::http {

struct Caller {
  records::ApiKey key;
  std::string actor;    // the host's user (X-Hoshitori-User), else the key's name
  std::string via;      // "apikey:<name>", recorded with every audit event
  std::string session;  // ERP screens: the session's id hash ("" for a key)
  std::string csrf;     // ERP screens: the session's form token ("" for a key)
};

class Authenticator {
 public:
  // Bad keys count against `limiter` (attached here under the scope "apikey").
  Authenticator(Service& svc, FailureLimiter& limiter) : svc_(svc), limiter_(limiter) {
    limiter_.attach(svc, "apikey");
  }

  // HttpError 401 (no key, or not a live one), 429 (too many bad keys from this
  // address), 403 (role below `need`), 400 (a user header that is not usable text).
  Caller require(const Exchange& ex, records::Role need);

 private:
  Service& svc_;
  FailureLimiter& limiter_;
};

// "X-Hoshitori-User" as text: raw UTF-8, or RFC 8187 form "UTF-8''%E5%B1%B1%E7%94%B0".
std::string user_header(const std::string& raw);

}  // namespace hoshi::http
