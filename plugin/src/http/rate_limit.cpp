#include "http/rate_limit.hpp"

#include <ctime>
#include <stdexcept>

#include "service/service.hpp"
#include "store/sessions.hpp"

namespace hoshi::http {

namespace {
long long unix_now() { return static_cast<long long>(std::time(nullptr)); }
}  // namespace

void FailureLimiter::attach(Service& svc, const std::string& scope) {
  std::lock_guard lock(mutex_);
  if (svc_ == nullptr) {
    svc_ = &svc;
    scope_ = scope;
  } else if (svc_ != &svc || scope_ != scope) {
    throw std::logic_error("a failure limiter counts for one scope: \"" + scope_ + "\", not also \"" + scope + "\"");
  }
}

Service& FailureLimiter::service() {
  std::lock_guard lock(mutex_);
  if (svc_ == nullptr) throw std::logic_error("the failure limiter is not attached to a store");
  return *svc_;
}

long FailureLimiter::blocked_for(const std::string& address) {
  Service& svc = service();
  return svc.with_repos<records::FailureCounts>(
      [&](records::FailureCounts& counts) { return counts.blocked_for(scope_, address, allowed_, unix_now()); });
}

void FailureLimiter::failed(const std::string& address) {
  Service& svc = service();
  svc.with_repos<records::FailureCounts>(
      [&](records::FailureCounts& counts) { counts.failed(scope_, address, window_.count(), unix_now()); });
}

}  // namespace hoshi::http
