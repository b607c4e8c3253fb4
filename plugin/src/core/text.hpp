// UTF-8 helpers: validation, NFKC, trimming, company-name normalisation.
#pragma once
#include <string>
#include <string_view>

namespace hoshi::text {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);

// Unicode NFKC (full-width digits and letters to ASCII, half-width kana to
// full-width, ㈱ to (株), …). Input must be valid UTF-8.
std::string nfkc(std::string_view s);

// Characters a reader sees: code points that are not white space, control or format
// characters (zero-width spaces, direction marks). Invalid UTF-8 counts nothing.
std::size_t visible_length(std::string_view s);

// Strips ASCII white space and U+3000 (ideographic space) at both ends.
std::string trim(std::string_view s);

// NFKC + trim; ASCII-only input skips the ICU round trip.
std::string clean_cell(std::string_view s);

// The form of a company name used for matching: NFKC, ASCII lower case, no
// spaces or middle dots, legal-form words (株式会社, (株), ㈱, 有限会社, Co., Ltd. …) removed.
std::string normalize_company_name(std::string_view name);

// Cuts `s` to at most `max_bytes` bytes without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes);

// ASCII lower case.
std::string ascii_lower(std::string_view s);

// `s` (valid UTF-8) without control characters and the invisible or direction-changing
// ones (zero-width, bidi embeddings, overrides and isolates, soft hyphen, BOM) that make
// a name read as something else (U+202E then "fdp.exe" shows as "exe.pdf").
std::string strip_hidden(std::string_view s);

}  // namespace hoshi::text
