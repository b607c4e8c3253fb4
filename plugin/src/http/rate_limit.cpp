#include "http/rate_limit.hpp"

namespace hoshi::http {

long FailureLimiter::blocked_for(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return 0;
  const auto now = Clock::now();
  const auto ends = it->second.window_start + window_;
  if (now >= ends) {
    by_address_.erase(it);
    return 0;
  }
  if (it->second.failures < allowed_) return 0;
  return static_cast<long>(std::chrono::duration_cast<std::chrono::seconds>(ends - now).count()) + 1;
}

void FailureLimiter::failed(const std::string& address) {
  std::lock_guard lock(mutex_);
  const auto now = Clock::now();
  if (by_address_.size() >= max_addresses_) prune(now);
  auto [it, fresh] = by_address_.try_emplace(address, Entry{now, 0});
  if (!fresh && now >= it->second.window_start + window_) it->second = Entry{now, 0};
  ++it->second.failures;
}

void FailureLimiter::prune(Clock::time_point now) {
  for (auto it = by_address_.begin(); it != by_address_.end();)
    it = now >= it->second.window_start + window_ ? by_address_.erase(it) : std::next(it);
  // Still full (a flood from many addresses): forget the oldest half rather than grow.
  if (by_address_.size() >= max_addresses_) {
    std::size_t n = 0;
    for (auto it = by_address_.begin(); it != by_address_.end() && n < max_addresses_ / 2; ++n)
      it = by_address_.erase(it);
  }
}

}  // namespace hoshi::http
