// Failed guesses (API keys, supplier links) counted per client address in a fixed
// window; past the allowance the address is answered 429 until the window ends.
#pragma once
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hoshi::http {

class FailureLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  FailureLimiter(int allowed_failures, std::chrono::seconds window, std::size_t max_addresses = 100000)
      : allowed_(allowed_failures), window_(window), max_addresses_(max_addresses) {}

  // Seconds until the address may try again; 0 when it may now.
  long blocked_for(const std::string& address);
  void failed(const std::string& address);

 private:
  struct Entry {
    Clock::time_point window_start;
    int failures = 0;
  };
  void prune(Clock::time_point now);  // mutex_ held

  int allowed_;
  Clock::duration window_;
  std::size_t max_addresses_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> by_address_;
};

}  // namespace hoshi::http
