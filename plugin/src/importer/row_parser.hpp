// Turns one CSV row into a validated supplier patch: a value for every cell that
// was filled, nothing for empty cells (they leave stored values as they are).
#pragma once
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "core/supplier.hpp"
#include "importer/supplier_columns.hpp"
#include "importer/supplier_import.hpp"

namespace hoshi::importer {

// Validates one cell for `f` and stores its canonical form in patch[f] (the お助け隊
// service also fills the provider from the registry when the patch has none).
bool parse_cell(const Catalogs& catalogs, const Date& today, Field f, const std::string& raw, SupplierPatch& patch,
                std::string& why);

class RowParser {
 public:
  RowParser(const Catalogs& catalogs, std::vector<const ColumnSpec*> columns, Date today)
      : catalogs_(catalogs), columns_(std::move(columns)), today_(today) {}

  // Fills `patch` and returns true, or returns false with the first problem.
  bool parse(const std::vector<std::string>& cells, std::size_t line, SupplierPatch& patch, Rejection& why) const;

 private:
  const Catalogs& catalogs_;
  std::vector<const ColumnSpec*> columns_;  // by position; nullptr = ignored column
  Date today_;
};

}  // namespace hoshi::importer
