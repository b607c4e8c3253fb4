// The supplier master as CSV, in the very columns and words the import reads, so
// export → spreadsheet → import changes nothing.
#pragma once
#include <ostream>
#include <string>
#include <vector>

#include "core/supplier.hpp"
#include "importer/encoding.hpp"

namespace hoshi::importer {

// A cell a spreadsheet would run as a formula (leading =, +, -, @, tab or CR) gets an
// apostrophe in front; the import takes it off again.
std::string neutralise_cell(const std::string& value);

// The header row and one row per supplier, CRLF line ends. UTF-8 starts with a BOM (so
// Excel reads it as UTF-8); CP932 has none, and a character CP932 cannot write raises
// ExportError naming the supplier and column.
struct ExportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};
void write_suppliers_csv(const std::vector<Supplier>& suppliers, Encoding encoding, std::ostream& out);

// Writes `bytes` to `path` through a temporary file beside it and a rename, so a reader
// never sees half a file; throws ExportError naming the path when it cannot.
void replace_file(const std::string& path, const std::string& bytes);

}  // namespace hoshi::importer
