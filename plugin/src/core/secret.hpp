// Unguessable secrets (API keys, supplier links, CSRF tokens) and their comparison.
#pragma once
#include <string>
#include <string_view>

namespace hoshi {

// `bytes` of OpenSSL's CSPRNG, as unpadded base64url (43 characters for 32 bytes).
// Throws std::runtime_error if the generator fails (never falls back to weaker randomness).
std::string random_token(std::size_t bytes);

// `n` decimal digits from the CSPRNG, each uniform (rejection sampling): one-time codes.
std::string random_digits(int n);

// Compares without stopping at the first difference, so timing tells nothing.
bool constant_time_equal(std::string_view a, std::string_view b);

// HMAC-SHA256 of `data` under `key`, as unpadded base64url.
std::string hmac_sha256(std::string_view key, std::string_view data);
// The same, as lowercase hex (webhook signatures: what receivers' examples compare).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

// Base64url without padding (RFC 4648 §5).
std::string base64url(std::string_view data);

}  // namespace hoshi
