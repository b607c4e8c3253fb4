// The supplier-master columns Hoshitori reads, with the Japanese and English
// header names Japanese ERPs and spreadsheets use for them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/supplier.hpp"

namespace hoshi::importer {

// Column of the import file; most map straight onto a supplier field.
struct ColumnSpec {
  Field field;
  std::string_view display;  // the Japanese header written by exports
  std::vector<std::string_view> aliases;
  bool required = false;
};

const std::vector<ColumnSpec>& supplier_columns();

// Finds the column a header cell names (NFKC, case, spaces and _ ignored).
const ColumnSpec* match_header(std::string_view header);

}  // namespace hoshi::importer
