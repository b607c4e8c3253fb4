// Staff authentication for the REST API (and, later, the ERP screens): an API key as
// "Authorization: Bearer hsk_…", and the host's user in "X-Hoshitori-User".
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http/exchange.hpp"
#include "http/rate_limit.hpp"
#include "records/api_keys.hpp"
#include "service/service.hpp"

namespace hoshi::http {

struct Caller {
  records::ApiKey key;
  std::string actor;  // the host's user (X-Hoshitori-User), else the key's name
  std::string via;    // "apikey:<name>", recorded with every audit event
  std::string session;  // ERP screens: the session's id hash ("" for a key)
};

class Authenticator {
 public:
  // A key found good is trusted for `cache_for` before the store is asked again, so a
  // revoked key stops working within that time.
  Authenticator(Service& svc, FailureLimiter& limiter,
                std::chrono::milliseconds cache_for = std::chrono::milliseconds(2000))
      : svc_(svc), limiter_(limiter), cache_for_(cache_for) {}

  // HttpError 401 (no key, or not a live one), 429 (too many bad keys from this
  // address), 403 (role below `need`), 400 (a user header that is not usable text).
  Caller require(const Exchange& ex, records::Role need);

 private:
  struct Cached {
    records::ApiKey key;
    std::chrono::steady_clock::time_point until;
  };
  Service& svc_;
  FailureLimiter& limiter_;
  std::chrono::milliseconds cache_for_;
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;  // by SHA-256 of the presented key
};

// "X-Hoshitori-User" as text: raw UTF-8, or RFC 8187 form "UTF-8''%E5%B1%B1%E7%94%B0".
std::string user_header(const std::string& raw);

}  // namespace hoshi::http
