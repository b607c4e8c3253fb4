#include "core/corporate_number.hpp"

#include "core/text.hpp"

namespace hoshi::corporate_number {

int check_digit(std::string_view base12) {
  int sum = 0;
  for (int n = 1; n <= 12; ++n) {
    int p = base12[12 - n] - '0';
    sum += p * ((n % 2 == 1) ? 1 : 2);
  }
  return 9 - (sum % 9);
}

bool normalize(std::string_view input, std::string& out, std::string& why) {
  std::string s = text::trim(text::nfkc(input));
  // an invoice registration number (適格請求書発行事業者登録番号) is "T" + the 法人番号
  if (!s.empty() && (s[0] == 'T' || s[0] == 't')) s.erase(0, 1);
  std::string digits;
  // separators people type between digit groups
  static constexpr std::string_view kSeparators[] = {"-",
                                                     " ",
                                                     "\t",
                                                     "\xE2\x80\x90",
                                                     "\xE2\x80\x91",
                                                     "\xE2\x80\x92",
                                                     "\xE2\x80\x93",
                                                     "\xE2\x80\x94",
                                                     "\xE2\x88\x92",
                                                     "\xE3\x83\xBC",
                                                     "\xE3\x80\x80"};
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    bool skipped = false;
    for (auto sep : kSeparators) {
      if (s.compare(i, sep.size(), sep) == 0) {
        i += sep.size();
        skipped = true;
        break;
      }
    }
    if (!skipped) {
      why = "法人番号に数字以外の文字があります (not a digit)";
      return false;
    }
  }
  if (digits.size() != 13) {
    why = "法人番号は13桁です (" + std::to_string(digits.size()) + " digits, 13 required)";
    return false;
  }
  int expected = check_digit(std::string_view(digits).substr(1));
  if (digits[0] - '0' != expected) {
    why = "法人番号のチェックデジットが一致しません (check digit " + std::string(1, digits[0]) + ", expected " +
          std::to_string(expected) + ")";
    return false;
  }
  out = std::move(digits);
  return true;
}

}  // namespace hoshi::corporate_number
