// Standard base64 (RFC 4648 §4, with padding), for binary content kept in TEXT
// columns that both SQLite and PostgreSQL store the same way (evidence files).
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace hoshi {

std::string base64_encode(std::string_view data);

// nullopt for anything that is not canonical padded base64 (wrong length, a character
// outside the alphabet, padding in the middle, non-zero bits after the last byte).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hoshi
