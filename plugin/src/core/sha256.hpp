// SHA-256 (OpenSSL's libcrypto), as lowercase hex.
#pragma once
#include <string>
#include <string_view>

namespace hoshi {

std::string sha256_hex(std::string_view data);

// Incremental form, for hashing fields without concatenating them first.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  // Hex digest; the hasher starts over afterwards.
  std::string hex();

 private:
  void* ctx_;
};

// True for 64 hex digits (either case).
bool is_sha256_hex(std::string_view s);

}  // namespace hoshi
