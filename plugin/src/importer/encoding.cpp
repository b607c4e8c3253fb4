#include "importer/encoding.hpp"

#include <Poco/UTF8Encoding.h>
#include <Poco/Windows932Encoding.h>

#include <algorithm>

#include "core/text.hpp"

namespace hoshi::importer {

bool parse_encoding(const std::string& name, Encoding& out) {
  std::string n = text::ascii_lower(name);
  n.erase(std::remove(n.begin(), n.end(), '-'), n.end());
  n.erase(std::remove(n.begin(), n.end(), '_'), n.end());
  if (n == "auto") {
    out = Encoding::automatic;
  } else if (n == "utf8") {
    out = Encoding::utf8;
  } else if (n == "cp932" || n == "sjis" || n == "shiftjis" || n == "windows31j" || n == "ms932") {
    out = Encoding::cp932;
  } else {
    return false;
  }
  return true;
}

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::utf8:
      return "utf-8";
    case Encoding::cp932:
      return "cp932";
    case Encoding::automatic:
      break;
  }
  return "auto";
}

namespace {
std::size_t line_at(const std::string& bytes, std::size_t pos) {
  return 1 + static_cast<std::size_t>(std::count(bytes.begin(), bytes.begin() + static_cast<long>(pos), '\n'));
}

std::size_t first_invalid_utf8(const std::string& s) {
  // binary search is not possible; walk line by line to name the first bad line
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    if (!text::is_valid_utf8(std::string_view(s).substr(start, end - start))) return start;
    start = end + 1;
  }
  return s.size();
}

// UTF-16 without a BOM: every other byte NUL in the first line.
bool looks_utf16(const std::string& b) {
  if (b.size() >= 2 && ((b[0] == '\xFF' && b[1] == '\xFE') || (b[0] == '\xFE' && b[1] == '\xFF'))) return true;
  std::size_t n = std::min<std::size_t>(b.size(), 200), nul = 0;
  for (std::size_t i = 0; i < n; ++i) nul += b[i] == '\0';
  return n >= 8 && nul * 3 >= n;
}

// More well-formed multi-byte UTF-8 sequences than broken bytes: CP932 text almost never
// forms UTF-8 sequences, so this is UTF-8 with damage, not CP932.
bool mostly_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t good = 0, bad = 0;
  for (std::size_t i = 0; i < n;) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xC0) == 0x80;
    if (ok) {
      ++good;
      i += len;
    } else {
      ++bad;
      ++i;
    }
  }
  return good >= 4 && good >= 4 * bad;
}

std::string replace_invalid_utf8(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char c = p[i];
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len != 0 && i + len <= n && text::is_valid_utf8(std::string_view(s).substr(i, len))) {
      out.append(s, i, len);
      i += len;
    } else {
      out += kReplacementCharacter;
      ++i;
    }
  }
  return out;
}

// Decodes CP932; on bytes it cannot read, returns false with their offset in `bad_at`.
bool cp932_to_utf8(const std::string& bytes, std::string& out, std::size_t& bad_at) {
  Poco::Windows932Encoding cp932;
  const Poco::TextEncoding::CharacterMap& map = cp932.characterMap();
  out.clear();
  out.reserve(bytes.size() + bytes.size() / 2);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    unsigned char b = p[i];
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      ++i;
      continue;
    }
    int m = map[b];
    int cp = -1;
    std::size_t len = 1;
    if (m >= 0) {
      cp = m;
    } else if (m < -1) {
      len = static_cast<std::size_t>(-m);
      if (i + len <= n) cp = cp932.queryConvert(p + i, static_cast<int>(len));
    }
    if (cp < 0) {
      bad_at = i;
      return false;
    }
    unsigned char buf[4];
    int k = Poco::UTF8Encoding().convert(cp, buf, 4);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(k));
    i += len;
  }
  return true;
}
}  // namespace

Decoded decode(const std::string& bytes, Encoding requested) {
  Decoded d;
  if (looks_utf16(bytes))
    throw EncodingError("line 1: the file is UTF-16 (Excel \"Unicode text\"); save it as \"CSV UTF-8\" instead");
  bool bom = bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0;
  const bool explicit_cp932 = requested == Encoding::cp932;
  // UTF-8 with a damaged spot (a name cut mid-character by a fixed-width export) must not
  // be read as CP932 gibberish: mostly-UTF-8 text counts as UTF-8, and fails where it breaks.
  if (requested == Encoding::automatic)
    requested = (bom || text::is_valid_utf8(bytes) || mostly_utf8(bytes)) ? Encoding::utf8 : Encoding::cp932;
  d.used = requested;
  if (requested == Encoding::utf8) {
    d.had_bom = bom;
    d.utf8 = bom ? bytes.substr(3) : bytes;
    if (!text::is_valid_utf8(d.utf8) && mostly_utf8(d.utf8)) {
      // a few broken spots: each becomes U+FFFD, and the rows holding one are rejected
      d.utf8 = replace_invalid_utf8(d.utf8);
      d.repaired = true;
    } else if (!text::is_valid_utf8(d.utf8)) {
      std::size_t at = first_invalid_utf8(d.utf8);
      throw EncodingError("line " + std::to_string(line_at(d.utf8, at)) +
                          ": not valid UTF-8 here (a character cut in half? if the file is CP932, pass "
                          "--encoding cp932)");
    }
    return d;
  }
  std::size_t bad_cp932 = 0;
  if (cp932_to_utf8(bytes, d.utf8, bad_cp932)) return d;
  if (explicit_cp932)
    throw EncodingError("line " + std::to_string(line_at(bytes, bad_cp932)) +
                        ": not valid CP932 (Shift_JIS) (is the file UTF-8? try --encoding utf-8)");
  // Neither reads the whole file: name the line where the likelier one (the one that
  // got further) stopped.
  std::size_t bad_utf8 = first_invalid_utf8(bytes);
  throw EncodingError("line " + std::to_string(line_at(bytes, std::max(bad_utf8, bad_cp932))) +
                      ": bytes that are neither UTF-8 nor CP932 (Shift_JIS); save the file as CSV UTF-8 or CP932");
}

std::string utf8_to_cp932(const std::string& utf8) {
  if (!text::is_valid_utf8(utf8)) throw EncodingError("text is not valid UTF-8");
  Poco::UTF8Encoding from;
  Poco::Windows932Encoding to;
  std::string out;
  out.reserve(utf8.size());
  const auto* p = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t n = utf8.size();
  for (std::size_t i = 0; i < n;) {
    if (p[i] < 0x80) {
      out.push_back(static_cast<char>(p[i++]));
      continue;
    }
    std::size_t len = (p[i] >= 0xF0) ? 4 : (p[i] >= 0xE0) ? 3 : 2;
    int cp = from.queryConvert(p + i, static_cast<int>(len));
    unsigned char buf[4];
    int k = cp < 0 ? 0 : to.convert(cp, buf, sizeof buf);
    if (k <= 0)
      throw EncodingError("\"" + utf8.substr(i, len) + "\" cannot be written in CP932 (Shift_JIS); use UTF-8");
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(k));
    i += len;
  }
  return out;
}

}  // namespace hoshi::importer
