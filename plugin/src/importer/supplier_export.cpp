#include "importer/supplier_export.hpp"

#include <cstdio>
#include <fstream>

#include "core/levels.hpp"
#include "importer/supplier_columns.hpp"

namespace hoshi::importer {

std::string neutralise_cell(const std::string& value) {
  if (!value.empty() && std::string_view("=+-@\t\r").find(value[0]) != std::string_view::npos) return "'" + value;
  return value;
}

namespace {

std::string quoted(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string q = "\"";
  for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

// A stored value in the words the import reads back to the same value.
std::string export_value(Field f, const std::optional<std::string>& v) {
  if (!v) return "";
  switch (f) {
    case Field::sa_level:
      return levels::sa_symbol(std::stoi(*v));
    case Field::scs_level:
      return levels::scs_symbol(std::stoi(*v));
    case Field::chart_confidential:
    case Field::chart_critical:
    case Field::chart_network:
      return *v == "1" ? "はい" : "いいえ";
    case Field::active:
      return *v == "0" ? "取引停止" : "取引中";
    default:
      return *v;
  }
}

}  // namespace

void write_suppliers_csv(const std::vector<Supplier>& suppliers, Encoding encoding, std::ostream& out) {
  const auto& columns = supplier_columns();
  std::string header;
  for (const auto& spec : columns) header += (header.empty() ? "" : ",") + std::string(spec.display);
  header += "\r\n";
  if (encoding != Encoding::cp932) {
    out << "\xEF\xBB\xBF" << header;
  } else {
    out << utf8_to_cp932(header);
  }
  std::string row;
  for (const Supplier& s : suppliers) {
    row.clear();
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (i) row += ',';
      row += quoted(neutralise_cell(export_value(columns[i].field, text_of(s, columns[i].field))));
    }
    row += "\r\n";
    if (encoding != Encoding::cp932) {
      out << row;
      continue;
    }
    try {
      out << utf8_to_cp932(row);
    } catch (const EncodingError&) {
      for (const auto& spec : columns) {  // name the cell CP932 cannot write
        try {
          if (auto v = text_of(s, spec.field)) utf8_to_cp932(*v);
        } catch (const EncodingError& e) {
          throw ExportError("取引先コード " + s.code() + ", " + std::string(spec.display) + ": " + e.what() +
                            " (export with --encoding utf-8 to keep it)");
        }
      }
      throw;
    }
  }
}

void replace_file(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
  f << bytes;
  f.close();
  if (!f || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw ExportError(path + ": cannot write");
  }
}

}  // namespace hoshi::importer
