// Failed guesses (API keys, sign-in links, supplier links) counted per client address
// in a fixed window; past the allowance the address is answered 429 until the window
// ends. The counts are kept in the database (records::FailureCounts, table rate_limits),
// so every server on one database shares one allowance per address and a restart
// forgives nothing.
#pragma once
#include <chrono>
#include <mutex>
#include <string>

namespace hoshi {
class Service;
}

namespace hoshi::http {

class FailureLimiter {
 public:
  // Counts under `scope` ("apikey", "signin", "link": each its own allowance).
  FailureLimiter(Service& svc, std::string scope, int allowed_failures, std::chrono::seconds window)
      : svc_(&svc), scope_(std::move(scope)), allowed_(allowed_failures), window_(window) {}
  // Not yet tied to a store: the component it is handed to attaches it (Authenticator as
  // "apikey", StaffAuth as "signin", SupplierForm as "link"). Using it unattached throws.
  FailureLimiter(int allowed_failures, std::chrono::seconds window) : allowed_(allowed_failures), window_(window) {}

  // Ties the limiter to the store under `scope`; again with the same arguments does
  // nothing, with others throws std::logic_error (one limiter, one allowance).
  void attach(Service& svc, const std::string& scope);

  // Seconds until the address may try again; 0 when it may now.
  long blocked_for(const std::string& address);
  void failed(const std::string& address);

 private:
  Service& service();

  std::mutex mutex_;  // guards the attachment only
  Service* svc_ = nullptr;
  std::string scope_;
  int allowed_;
  std::chrono::seconds window_;
};

}  // namespace hoshi::http
