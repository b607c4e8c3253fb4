#include "importer/csv_reader.hpp"

namespace hoshi::importer {

CsvReader::CsvReader(std::string_view text) : text_(text) {
  std::size_t eol = text_.find_first_of("\r\n");
  std::string_view first = text_.substr(0, eol);
  if (first.find(',') == std::string_view::npos && first.find('\t') != std::string_view::npos) delim_ = '\t';
}

bool CsvReader::next(CsvRecord& rec) {
  for (;;) {
    if (pos_ >= text_.size()) return false;
    rec.line = line_;
    rec.fields.clear();
    std::string field;
    bool quoted_any = false;
    bool at_field_start = true;
    for (;;) {
      if (pos_ >= text_.size()) {
        rec.fields.push_back(std::move(field));
        break;
      }
      char c = text_[pos_];
      if (at_field_start && c == '"') {
        quoted_any = true;
        std::size_t open_line = line_;
        ++pos_;
        for (;;) {
          if (pos_ >= text_.size())
            throw CsvError("line " + std::to_string(open_line) + ": a quoted field is never closed (missing \")");
          std::size_t q = text_.find('"', pos_);
          if (q == std::string_view::npos) q = text_.size();
          std::string_view chunk = text_.substr(pos_, q - pos_);
          for (std::size_t k = 0; k < chunk.size(); ++k)  // CRLF, LF and a lone CR each end a line
            if (chunk[k] == '\n' || (chunk[k] == '\r' && (k + 1 >= chunk.size() || chunk[k + 1] != '\n'))) ++line_;
          field.append(chunk);
          pos_ = q;
          if (pos_ >= text_.size()) continue;
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            continue;
          }
          ++pos_;  // closing quote
          break;
        }
        at_field_start = false;
        continue;
      }
      if (c == delim_) {
        rec.fields.push_back(std::move(field));
        field.clear();
        at_field_start = true;
        ++pos_;
        continue;
      }
      if (c == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
        ++pos_;
        continue;
      }
      if (c == '\n' || c == '\r') {  // a lone CR ends a line too (old Mac exports)
        ++pos_;
        ++line_;
        rec.fields.push_back(std::move(field));
        break;
      }
      field.push_back(c);
      at_field_start = false;
      ++pos_;
    }
    // skip blank lines (and a trailing newline at the end)
    if (!quoted_any && rec.fields.size() == 1 && rec.fields[0].find_first_not_of(" \t\r") == std::string::npos)
      continue;
    return true;
  }
}

}  // namespace hoshi::importer
