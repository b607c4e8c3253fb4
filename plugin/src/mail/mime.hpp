// Internet messages as Japanese mail clients expect them: RFC 5322 headers with RFC 2047
// encoded words (UTF-8, or ISO-2022-JP for older clients), a text part and an HTML part
// (multipart/alternative), an optional calendar invitation, lines within 78 characters
// in headers and 76 in base64 bodies, CRLF throughout.
#pragma once
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace hoshi::mail {

struct Address {
  std::string addr;  // addr-spec: local@domain, ASCII
  std::string name;  // display name, UTF-8 ("" for none)
};

struct Message {
  Address from, to;
  std::optional<Address> reply_to;
  std::string subject;            // UTF-8
  std::string text;               // UTF-8; the text/plain part
  std::string html;               // UTF-8; empty: no HTML part
  std::string ics;                // an iCalendar object (METHOD:REQUEST); empty: none
  std::string message_id;         // without the angle brackets
  std::string charset = "utf-8";  // or "iso-2022-jp": headers and text part in ISO-2022-JP
  std::vector<std::pair<std::string, std::string>> extra_headers;  // ASCII names and values
};

// A message that cannot be written as asked: a bad address, a character ISO-2022-JP
// cannot hold (what names it), a header value with a line break.
struct MimeError : Error {
  explicit MimeError(const std::string& what) : Error(Code::invalid, what) {}
};

// The whole message, CRLF line ends, ready for SMTP DATA (before dot-stuffing).
// `date`: the Date header's instant (written in Japan time, +0900).
std::string build(const Message& m, std::time_t date);

// local@domain with the characters mail systems accept unquoted, at most 254 bytes.
bool valid_addr_spec(std::string_view addr);
// Date header value: "Wed, 02 Dec 2026 15:04:05 +0900".
std::string rfc5322_date(std::time_t t);
// An unstructured header value as encoded words where needed, folded; `first_line_used`:
// the characters already on the first line ("Subject: " is 9).
std::string encode_words(std::string_view utf8, const std::string& charset, std::size_t first_line_used);
// UTF-8 → ISO-2022-JP; nullopt when a character has no ISO-2022-JP form (`bad` gets it).
std::optional<std::string> to_iso2022jp(std::string_view utf8, std::string* bad = nullptr);
// Lines joined with CRLF, whatever line ends the text had.
std::string crlf(std::string_view text);

}  // namespace hoshi::mail
