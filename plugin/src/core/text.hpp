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

// Letters a reader can read as words: code points of Unicode's letter categories (kana,
// kanji, Latin, …; the long-vowel mark ー counts only after a letter). Punctuation,
// symbols, digits, spaces and hidden characters count nothing, and a text of fewer than
// three different letters ("ああああ", "abab") counts nothing at all: a hollow text is not
// an explanation.
std::size_t wording_length(std::string_view s);

// Only the letters and digits of `s` (after NFKC, case folded): two texts that differ in
// punctuation, spacing or width only have the same gist.
std::string gist(std::string_view s);

// The length that minimums of explanations count: visible_length(), or 0 when the text
// is hollow (wording_length() is 0: no three different letters).
inline std::size_t readable_length(std::string_view s) { return wording_length(s) == 0 ? 0 : visible_length(s); }

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

// Hidden characters: those that show nothing yet change what a text is or how it reads
// — Unicode's control (Cc: C0, DEL, C1) and format (Cf: bidi embeddings, overrides,
// isolates and marks U+202A–202E, U+2066–2069, U+200E/200F, U+061C; zero-width
// U+200B–200D, U+2060; BOM U+FEFF; soft hyphen …) characters. U+202E then "fdp.exe"
// shows as "exe.pdf"; a zero-width space makes two equal-looking names differ.
bool is_hidden(char32_t c);

// The one rule for free text that comes in (names, contacts, departments, messages,
// reasons, CSV cells, campaign text, connector rows): hidden characters are removed, so
// what is stored is what a reader sees. Line breaks (LF, CR LF, CR, U+2028/2029) and
// tabs stay in multi-line text (as "\n" and "\t"); in one-line text each becomes one
// space (no two in a row). Invalid UTF-8 bytes are left for the caller's UTF-8 check.
enum class Lines { one, many };
std::string clean_free_text(std::string_view s, Lines lines);

// `s` without hidden characters, line breaks and tabs: for names that must be one
// token (a file name, the supplier's signing name). Identifiers (vendor codes, user
// names) are refused instead when this changes them.
std::string strip_hidden(std::string_view s);

}  // namespace hoshi::text
