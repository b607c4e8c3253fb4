#include "mail/mime.hpp"

#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <memory>

#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"

namespace hoshi::mail {
namespace {

constexpr std::size_t kWordBytes = 36;  // raw bytes per encoded word: 48 base64 chars, ≤ 66-char words
constexpr std::size_t kLineMax = 78;

std::size_t utf8_len(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  return 4;
}

bool plain_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c > 0x7E) return false;
  return s.find("=?") == std::string_view::npos;
}

void no_line_breaks(std::string_view v, const char* what) {
  if (v.find_first_of("\r\n") != std::string_view::npos) throw MimeError(std::string(what) + " holds a line break");
}

struct Iconv {
  iconv_t cd;
  Iconv() : cd(iconv_open("ISO-2022-JP", "UTF-8")) {
    if (cd == reinterpret_cast<iconv_t>(-1)) throw MimeError("this system cannot convert to ISO-2022-JP");
  }
  ~Iconv() { iconv_close(cd); }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
};

std::string base64_lines(std::string_view data) {
  const std::string b = base64_encode(data);
  std::string out;
  out.reserve(b.size() + b.size() / 38 + 2);
  for (std::size_t i = 0; i < b.size(); i += 76) {
    out.append(b, i, 76);
    out += "\r\n";
  }
  return out;
}

std::string boundary_for(const std::string& id, const char* tag) {
  return std::string("=_hoshitori_") + tag + "_" + sha256_hex(id).substr(0, 24);
}

// A display name as a phrase: an atom-safe ASCII name quoted, anything else encoded.
std::string phrase(const std::string& name, const std::string& charset, std::size_t used) {
  if (name.empty()) return "";
  if (plain_ascii(name)) {
    std::string q = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    return q + "\"";
  }
  return encode_words(name, charset, used);
}

std::string address_header(const char* field, const Address& a, const std::string& charset) {
  if (!valid_addr_spec(a.addr)) throw MimeError(std::string(field) + ": not a mail address: " + a.addr);
  no_line_breaks(a.name, field);
  std::string v = std::string(field) + ": ";
  if (!a.name.empty()) {
    const std::string p = phrase(a.name, charset, v.size());
    v += p;
    // the address goes on its own folded line when the name's last line is already long
    std::size_t last = p.rfind("\r\n");
    std::size_t last_len = last == std::string::npos ? v.size() : p.size() - last - 2;
    v += (last_len + a.addr.size() + 3 > kLineMax) ? "\r\n " : " ";
  }
  v += "<" + a.addr + ">\r\n";
  return v;
}

std::string text_part(const Message& m) {
  if (m.charset == "iso-2022-jp") {
    std::string bad;
    auto jis = to_iso2022jp(crlf(m.text), &bad);
    if (!jis) throw MimeError("the text holds '" + bad + "', which ISO-2022-JP cannot write");
    bool short_lines = true;
    for (std::size_t i = 0, n; i < jis->size(); i = n + 2) {
      n = jis->find("\r\n", i);
      if (n == std::string::npos) n = jis->size();
      if (n - i > 998) short_lines = false;
    }
    if (short_lines) {
      std::string body = *jis;
      if (body.size() < 2 || body.compare(body.size() - 2, 2, "\r\n") != 0) body += "\r\n";
      return "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body;
    }
    return "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
           base64_lines(*jis);
  }
  return "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64_lines(crlf(m.text));
}

}  // namespace

std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool valid_addr_spec(std::string_view addr) {
  if (addr.empty() || addr.size() > 254) return false;
  const auto at = addr.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= addr.size() || at > 64) return false;
  const std::string_view local = addr.substr(0, at), domain = addr.substr(at + 1);
  static const std::string_view local_ok = "!#$%&'*+-/=?^_`{|}~.";
  for (unsigned char c : local)
    if (!std::isalnum(c) && local_ok.find(static_cast<char>(c)) == std::string_view::npos) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  if (domain.front() == '.' || domain.back() == '.' || domain.front() == '-' ||
      domain.find("..") != std::string_view::npos)
    return false;
  for (unsigned char c : domain)
    if (!std::isalnum(c) && c != '-' && c != '.') return false;
  return true;
}

std::string rfc5322_date(std::time_t t) {
  std::time_t jst = t + 9 * 3600;
  std::tm tm{};
  gmtime_r(&jst, &tm);
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0900", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::optional<std::string> to_iso2022jp(std::string_view utf8, std::string* bad) {
  if (!text::is_valid_utf8(utf8)) {
    if (bad) *bad = "(invalid UTF-8)";
    return std::nullopt;
  }
  Iconv cv;
  std::string out(utf8.size() * 2 + 16, '\0');
  char* in = const_cast<char*>(utf8.data());
  std::size_t in_left = utf8.size();
  char* o = out.data();
  std::size_t o_left = out.size();
  while (in_left > 0) {
    if (iconv(cv.cd, &in, &in_left, &o, &o_left) == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) {
        const std::size_t used = out.size() - o_left;
        out.resize(out.size() * 2);
        o = out.data() + used;
        o_left = out.size() - used;
        continue;
      }
      if (bad) {
        const std::size_t n = utf8_len(static_cast<unsigned char>(*in));
        *bad = std::string(in, std::min(n, in_left));
      }
      return std::nullopt;
    }
  }
  // back to ASCII at the end
  for (;;) {
    if (iconv(cv.cd, nullptr, nullptr, &o, &o_left) != static_cast<std::size_t>(-1)) break;
    const std::size_t used = out.size() - o_left;
    out.resize(out.size() * 2);
    o = out.data() + used;
    o_left = out.size() - used;
  }
  out.resize(out.size() - o_left);
  return out;
}

std::string encode_words(std::string_view utf8, const std::string& charset, std::size_t first_line_used) {
  if (!text::is_valid_utf8(utf8)) throw MimeError("a header value is not valid UTF-8");
  no_line_breaks(utf8, "a header value");
  if (plain_ascii(utf8) && first_line_used + utf8.size() <= kLineMax) return std::string(utf8);
  const bool jis = charset == "iso-2022-jp";
  const std::string prefix = jis ? "=?ISO-2022-JP?B?" : "=?UTF-8?B?";
  std::string out;
  std::size_t line = first_line_used;
  std::size_t i = 0;
  while (i < utf8.size()) {
    // whole characters only, so every word decodes on its own
    std::size_t end = i;
    std::string chunk;
    for (;;) {
      if (end >= utf8.size()) break;
      const std::size_t n = utf8_len(static_cast<unsigned char>(utf8[end]));
      std::string_view candidate = utf8.substr(i, end + n - i);
      std::string bytes;
      if (jis) {
        std::string bad;
        auto c = to_iso2022jp(candidate, &bad);
        if (!c) throw MimeError("'" + bad + "' cannot be written in ISO-2022-JP");
        bytes = *c;
      } else {
        bytes = std::string(candidate);
      }
      if (bytes.size() > kWordBytes && end > i) break;
      chunk = std::move(bytes);
      end += n;
    }
    const std::string word = prefix + base64_encode(chunk) + "?=";
    if (!out.empty()) {
      if (line + 1 + word.size() > kLineMax) {
        out += "\r\n ";
        line = 1;
      } else {
        out += ' ';
        ++line;
      }
    } else if (line + word.size() > kLineMax) {
      out += "\r\n ";
      line = 1;
    }
    out += word;
    line += word.size();
    i = end;
  }
  return out;
}

std::string build(const Message& m, std::time_t date) {
  if (m.charset != "utf-8" && m.charset != "iso-2022-jp") throw MimeError("unknown charset " + m.charset);
  if (m.message_id.empty() || !plain_ascii(m.message_id) || m.message_id.find_first_of("<> ") != std::string::npos)
    throw MimeError("bad Message-ID " + m.message_id);
  std::string h;
  h.reserve(512);
  h += address_header("From", m.from, m.charset);
  h += address_header("To", m.to, m.charset);
  if (m.reply_to) h += address_header("Reply-To", *m.reply_to, m.charset);
  h += "Subject: " + encode_words(m.subject, m.charset, 9) + "\r\n";
  h += "Date: " + rfc5322_date(date) + "\r\n";
  h += "Message-ID: <" + m.message_id + ">\r\n";
  h += "MIME-Version: 1.0\r\n";
  for (const auto& [name, value] : m.extra_headers) {
    if (!plain_ascii(name) || !plain_ascii(value) || name.size() + value.size() + 2 > kLineMax)
      throw MimeError("header " + name + " must be one short ASCII line");
    h += name + ": " + value + "\r\n";
  }

  std::string body = text_part(m);
  if (!m.html.empty()) {
    const std::string alt = boundary_for(m.message_id, "alt");
    body = "Content-Type: multipart/alternative;\r\n boundary=\"" + alt + "\"\r\n\r\n--" + alt + "\r\n" + body + "--" +
           alt + "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
           base64_lines(crlf(m.html)) + "--" + alt + "--\r\n";
  }
  if (!m.ics.empty()) {
    const std::string mixed = boundary_for(m.message_id, "mix");
    body = "Content-Type: multipart/mixed;\r\n boundary=\"" + mixed + "\"\r\n\r\n--" + mixed + "\r\n" + body + "--" +
           mixed +
           "\r\nContent-Type: text/calendar; charset=UTF-8; method=REQUEST; name=\"invite.ics\"\r\n"
           "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
           "Content-Transfer-Encoding: base64\r\n\r\n" +
           base64_lines(crlf(m.ics)) + "--" + mixed + "--\r\n";
  }
  return h + body;
}

}  // namespace hoshi::mail
