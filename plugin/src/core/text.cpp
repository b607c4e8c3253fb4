#include "core/text.hpp"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace hoshi::text {

std::size_t visible_length(std::string_view s) {
  std::size_t n = 0;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(s.size());
  while (i < len) {
    UChar32 c = 0;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0) continue;
    const int8_t type = u_charType(c);
    if (u_isUWhiteSpace(c) || type == U_CONTROL_CHAR || type == U_FORMAT_CHAR || type == U_UNASSIGNED) continue;
    ++n;
  }
  return n;
}

std::size_t wording_length(std::string_view s) {
  std::size_t n = 0;
  std::array<UChar32, 3> seen{-1, -1, -1};
  std::size_t distinct = 0;
  bool after_letter = false;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(s.size());
  while (i < len) {
    UChar32 c = 0;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0) continue;
    const bool letter = u_isalpha(c) && c != 0x30FC && c != 0xFF70;  // ー, ｰ: lengthen, not letters
    if (!letter) {
      if ((c == 0x30FC || c == 0xFF70) && after_letter) ++n;
      after_letter = false;
      continue;
    }
    after_letter = true;
    ++n;
    c = u_tolower(u_foldCase(c, U_FOLD_CASE_DEFAULT));  // "ABab" is two letters, not four
    if (distinct < seen.size() && std::find(seen.begin(), seen.begin() + distinct, c) == seen.begin() + distinct)
      seen[distinct++] = c;
  }
  return distinct < seen.size() ? 0 : n;
}

std::string gist(std::string_view s) {
  if (!is_valid_utf8(s)) return std::string(s);
  const std::string n = nfkc(s);
  std::string out;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(n.size());
  while (i < len) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(n.data(), i, len, c);
    if (c < 0 || !u_isalnum(c)) continue;
    const UChar32 f = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    if (f == c) {
      out.append(n, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
    } else {
      char buf[4];
      int32_t k = 0;
      UBool err = false;
      U8_APPEND(buf, k, 4, f, err);
      if (!err) out.append(buf, static_cast<std::size_t>(k));
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int len = 0;
    unsigned int cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p < len) return false;
    for (int i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    p += len;
  }
  return true;
}

std::string nfkc(std::string_view s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser unavailable");
  icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
  if (n->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return std::string(s);  // the common case
  status = U_ZERO_ERROR;
  std::string result;
  icu::StringByteSink<std::string> sink(&result, static_cast<int32_t>(s.size()));
  n->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_FAILURE(status)) throw std::runtime_error("NFKC normalisation failed");
  return result;
}

namespace {
bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}
constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
}  // namespace

std::string trim(std::string_view s) {
  auto ws_front = [&]() -> std::size_t {
    if (s.empty()) return 0;
    unsigned char c = s.front();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (s.substr(0, 3) == kIdeographicSpace) return 3;
    return 0;
  };
  auto ws_back = [&]() -> std::size_t {
    if (s.empty()) return 0;
    unsigned char c = s.back();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') return 1;
    if (s.size() >= 3 && s.substr(s.size() - 3) == kIdeographicSpace) return 3;
    return 0;
  };
  for (std::size_t n; (n = ws_front()) != 0;) s.remove_prefix(n);
  for (std::size_t n; (n = ws_back()) != 0;) s.remove_suffix(n);
  return std::string(s);
}

std::string clean_cell(std::string_view s) {
  if (is_ascii(s)) return trim(s);
  return trim(nfkc(s));
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

namespace {
// Legal-form words, already in NFKC and lower case. Longest first where one
// contains another.
constexpr std::array<std::string_view, 26> kLegalForms = {
    "株式会社",     "有限会社",     "合同会社",     "合資会社",     "合名会社",
    "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人", "特定非営利活動法人",
    "(株)",         "(有)",         "(同)",         "(資)",         "(名)",
    "(社)",         "(財)",         "co.,ltd.",     "co., ltd.",    "co.,ltd",
    "co. ltd.",     "corporation",  "corp.",        "inc.",         "ltd.",
    "k.k."};

void erase_all(std::string& s, std::string_view what) {
  for (std::size_t pos; (pos = s.find(what)) != std::string::npos;) s.erase(pos, what.size());
}
}  // namespace

std::string normalize_company_name(std::string_view name) {
  std::string s = ascii_lower(nfkc(name));
  for (auto form : kLegalForms) erase_all(s, form);
  // spaces, ideographic spaces, middle dots and punctuation that vary between systems
  for (std::string_view noise :
       {std::string_view(" "), kIdeographicSpace, std::string_view("\xE3\x83\xBB"), std::string_view("\t")})
    erase_all(s, noise);
  return s;
}

std::string_view utf8_prefix(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t n = max_bytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

bool is_hidden(char32_t c) {
  const int8_t type = u_charType(static_cast<UChar32>(c));
  if (type == U_CONTROL_CHAR || type == U_FORMAT_CHAR) return true;
  // letters and marks that show as nothing: the Hangul fillers, the combining grapheme
  // joiner, the blank Braille pattern (a name of them alone looks empty)
  return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x034F || c == 0x2800;
}

namespace {
enum class Breaks { drop, space, keep };

std::string without_hidden(std::string_view s, Breaks breaks) {
  std::string out;
  out.reserve(s.size());
  const auto len = static_cast<int32_t>(s.size());
  auto line_break = [&](char kept) {
    if (breaks == Breaks::keep)
      out.push_back(kept);
    else if (breaks == Breaks::space && !out.empty() && out.back() != ' ')
      out.push_back(' ');
  };
  for (int32_t i = 0; i < len;) {
    const int32_t start = i;
    UChar32 c = 0;
    U8_NEXT(s.data(), i, len, c);
    if (c < 0) {  // not UTF-8: kept for the caller's check to refuse
      out.append(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
      continue;
    }
    if (c == '\r') {
      if (i < len && s[static_cast<std::size_t>(i)] == '\n') continue;  // CR LF: one line break
      line_break('\n');
    } else if (c == '\n' || c == 0x2028 || c == 0x2029) {
      line_break('\n');
    } else if (c == '\t') {
      line_break('\t');
    } else if (!is_hidden(static_cast<char32_t>(c))) {
      out.append(s.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  return out;
}
}  // namespace

std::string clean_free_text(std::string_view s, Lines lines) {
  return without_hidden(s, lines == Lines::many ? Breaks::keep : Breaks::space);
}

std::string strip_hidden(std::string_view s) { return without_hidden(s, Breaks::drop); }

}  // namespace hoshi::text
