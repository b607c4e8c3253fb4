// Character encodings at the edge: UTF-8 (with or without BOM) and CP932
// (Windows-31J, Shift_JIS with the NEC and IBM extensions ㈱, 髙, …).
#pragma once
#include <stdexcept>
#include <string>

namespace hoshi::importer {

enum class Encoding { automatic, utf8, cp932 };

struct EncodingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool parse_encoding(const std::string& name, Encoding& out);  // auto, utf-8/utf8, cp932/sjis/shift_jis
const char* encoding_name(Encoding e);

// U+FFFD, put where a mostly-UTF-8 file has broken bytes.
inline constexpr const char* kReplacementCharacter = "\xEF\xBF\xBD";

struct Decoded {
  std::string utf8;
  Encoding used = Encoding::utf8;
  bool had_bom = false;
  bool repaired = false;  // broken bytes were replaced by U+FFFD (their rows get rejected)
};

// Decodes `bytes` to UTF-8. Automatic: a UTF-8 BOM, valid UTF-8 or text that is mostly
// UTF-8 (its few broken bytes become U+FFFD) means UTF-8; anything else is read as CP932.
// Bytes that fit neither raise EncodingError naming the line.
Decoded decode(const std::string& bytes, Encoding requested);

// UTF-8 to CP932 (for exports and tests); characters CP932 lacks raise EncodingError.
std::string utf8_to_cp932(const std::string& utf8);

}  // namespace hoshi::importer
