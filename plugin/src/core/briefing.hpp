// The briefing (説明会) step of the model case, as pure rules: what an attendance answer
// is (出席 with the number of attendees, or 欠席, and a note), how a staff-recorded
// answer names the way it came in (電話, メール, 招待への返信 …), and the Japanese words
// the screens show for them. No I/O: the service stores, the pages and the CLI read.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace hoshi::briefing {

inline constexpr int kMaxAttendees = 99;
inline constexpr std::size_t kMaxNoteChars = 500;   // characters a reader sees
inline constexpr std::size_t kMaxNoteBytes = 4000;  // UTF-8 bytes, whatever they are

// A field of an answer that cannot be taken: `field` names it ("answer", "attendees",
// "note", "channel"), what() says why in English (CLI, JSON ops), `ja` in Japanese (the
// supplier page, the ERP screen).
struct InputError : Error {
  InputError(const std::string& f, const std::string& en, std::string j)
      : Error(Code::invalid, f + ": " + en, f), ja(std::move(j)) {}
  std::string ja;
};

struct AnswerInput {
  std::string answer;  // "attend" | "absent"
  std::optional<int> attendees;
  std::string note;  // cleaned (no hidden characters), may be ""
};

// Reads an answer as typed into a form or given to the CLI: answer "attend"/"出席" or
// "absent"/"欠席"; attendees empty or a whole number 1..99 (full-width digits taken),
// only with 出席; note at most kMaxNoteChars. Throws InputError naming the field.
AnswerInput parse_answer(std::string_view answer, std::string_view attendees, std::string_view note);

// The ways staff may say an answer came in, in the order the screen offers them.
const std::vector<std::string>& staff_channels();
// "staff:<channel>" for one of staff_channels(); InputError("channel") otherwise.
std::string staff_via(std::string_view channel);
inline constexpr const char* kSupplierPageVia = "supplier_page";

// "出席", "欠席"; "未回答" for anything else (no answer).
const char* answer_word(std::string_view answer);
// "取引先がページで回答", "担当者が記録（電話）"; the text itself when unknown.
std::string via_words(std::string_view via);

}  // namespace hoshi::briefing
