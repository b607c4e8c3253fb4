#include "core/briefing.hpp"

#include <algorithm>

#include "core/text.hpp"

namespace hoshi::briefing {

namespace {

// ASCII and full-width digits only ("１２" → "12"); nullopt for anything else.
std::optional<std::string> digits_of(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= '0' && c <= '9') {
      out += static_cast<char>(c);
      ++i;
    } else if (c == 0xEF && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC &&
               static_cast<unsigned char>(s[i + 2]) >= 0x90 && static_cast<unsigned char>(s[i + 2]) <= 0x99) {
      out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
      i += 3;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

}  // namespace

AnswerInput parse_answer(std::string_view answer, std::string_view attendees, std::string_view note) {
  AnswerInput in;
  const std::string a = text::trim(answer);
  if (a == "attend" || a == "出席")
    in.answer = "attend";
  else if (a == "absent" || a == "欠席")
    in.answer = "absent";
  else if (a.empty())
    throw InputError("answer", "required (attend or absent)", "出席か欠席かをお選びください");
  else
    throw InputError("answer", "must be attend or absent, not \"" + std::string(text::utf8_prefix(a, 40)) + "\"",
                     "出席か欠席かを画面の選択肢からお選びください");

  const std::string n = text::trim(attendees);
  if (!n.empty()) {
    const auto digits = digits_of(n);
    const std::string range = "1〜" + std::to_string(kMaxAttendees);
    if (!digits || digits->empty())
      throw InputError("attendees", "must be a whole number from 1 to " + std::to_string(kMaxAttendees),
                       "出席人数は" + range + "の数字でご記入ください");
    const std::string trimmed = digits->substr(std::min(digits->find_first_not_of('0'), digits->size()));
    if (trimmed.empty() || trimmed.size() > 2 || std::stoi(trimmed) > kMaxAttendees)
      throw InputError("attendees", "must be from 1 to " + std::to_string(kMaxAttendees),
                       "出席人数は" + range + "名でご記入ください");
    if (in.answer != "attend")
      throw InputError("attendees", "is given only with attend", "出席人数は出席の場合にだけご記入ください");
    in.attendees = std::stoi(trimmed);
  }

  if (note.size() > kMaxNoteBytes || !text::is_valid_utf8(note))
    throw InputError("note", note.size() > kMaxNoteBytes ? "too long" : "is not UTF-8 text",
                     note.size() > kMaxNoteBytes
                         ? "連絡事項が長すぎます（" + std::to_string(kMaxNoteChars) + "文字まで）"
                         : "連絡事項の文字を読み取れません");
  in.note = text::trim(text::clean_free_text(note, text::Lines::many));
  if (text::visible_length(in.note) > kMaxNoteChars)
    throw InputError("note", "at most " + std::to_string(kMaxNoteChars) + " characters",
                     "連絡事項は" + std::to_string(kMaxNoteChars) + "文字までにしてください");
  return in;
}

const std::vector<std::string>& staff_channels() {
  static const std::vector<std::string> k = {"電話", "メール", "招待への返信", "対面", "FAX", "郵便"};
  return k;
}

std::string staff_via(std::string_view channel) {
  const std::string c = text::trim(channel);
  const auto& all = staff_channels();
  if (std::find(all.begin(), all.end(), c) == all.end()) {
    std::string list;
    for (const auto& x : all) list += (list.empty() ? "" : ", ") + x;
    throw InputError("channel",
                     c.empty() ? "required (how the answer came in: " + list + ")" : "must be one of " + list,
                     "回答を受けた方法を選択肢からお選びください");
  }
  return "staff:" + c;
}

const char* answer_word(std::string_view answer) {
  if (answer == "attend") return "出席";
  if (answer == "absent") return "欠席";
  return "未回答";
}

std::string via_words(std::string_view via) {
  if (via == kSupplierPageVia) return "取引先がページで回答";
  if (via.rfind("staff:", 0) == 0) return "担当者が記録（" + std::string(via.substr(6)) + "）";
  return std::string(via);
}

}  // namespace hoshi::briefing
