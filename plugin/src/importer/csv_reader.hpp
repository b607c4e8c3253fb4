// RFC 4180 CSV as spreadsheets and ERPs write it: quoted fields with commas,
// quotes ("") and newlines, CRLF, LF or a lone CR, blank lines skipped. Tab-separated when the
// header has tabs and no commas.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace hoshi::importer {

struct CsvRecord {
  std::size_t line = 0;  // line where the record starts (1-based)
  std::vector<std::string> fields;
};

struct CsvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CsvReader {
 public:
  explicit CsvReader(std::string_view text);
  // False at the end. Throws CsvError on an unterminated quote.
  bool next(CsvRecord& rec);
  char delimiter() const { return delim_; }
  // Fraction of the text consumed, for progress.
  std::size_t position() const { return pos_; }
  std::size_t size() const { return text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  char delim_ = ',';
};

}  // namespace hoshi::importer
