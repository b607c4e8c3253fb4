#include "connectors/csv/csv_connector.hpp"

#include <fstream>
#include <map>
#include <sstream>

#include "catalog/yaml_doc.hpp"
#include "importer/csv_reader.hpp"
#include "importer/encoding.hpp"
#include "importer/supplier_columns.hpp"
#include "importer/supplier_export.hpp"

namespace hoshi::connectors {

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConnectorError(path + ": cannot read the file");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CsvConnector : public Connector {
 public:
  CsvConnector(std::string path, importer::Encoding encoding, std::string out)
      : path_(std::move(path)), encoding_(encoding), out_(std::move(out)) {}

  bool reads_suppliers() const override { return true; }
  bool writes_standings() const override { return !out_.empty(); }

  std::vector<SourceSupplier> read_suppliers() override {
    importer::Decoded text;
    try {
      text = importer::decode(read_file(path_), encoding_);
    } catch (const importer::EncodingError& e) {
      throw ConnectorError(path_ + ": " + e.what());
    }
    importer::CsvReader reader(text.utf8);
    importer::CsvRecord rec;
    std::vector<SourceSupplier> out;
    try {
      if (!reader.next(rec)) throw ConnectorError(path_ + ": the file is empty (no header row)");
      std::map<Field, std::size_t> at;
      for (std::size_t i = 0; i < rec.fields.size(); ++i)
        if (const auto* spec = importer::match_header(rec.fields[i])) at.emplace(spec->field, i);
      if (!at.count(Field::vendor_code) || !at.count(Field::name))
        throw ConnectorError(path_ + ": the header needs 取引先コード and 会社名 columns");
      auto cell = [&](Field f) -> std::optional<std::string> {
        auto it = at.find(f);
        if (it == at.end() || it->second >= rec.fields.size() || rec.fields[it->second].empty()) return std::nullopt;
        return rec.fields[it->second];
      };
      while (reader.next(rec)) {
        SourceSupplier s;
        s.code = cell(Field::vendor_code).value_or("");
        s.name = cell(Field::name).value_or("");
        s.external_id = s.code;
        s.where = path_ + ":" + std::to_string(rec.line);
        s.corporate_number = cell(Field::corporate_number);
        s.email = cell(Field::email);
        s.contact = cell(Field::contact);
        s.department = cell(Field::department);
        out.push_back(std::move(s));
      }
    } catch (const importer::CsvError& e) {
      throw ConnectorError(path_ + ": " + e.what());
    }
    return out;
  }

  PushReport write_standings(const std::vector<StandingRow>& rows, bool dry_run) override {
    std::map<std::string, std::string> before;  // code → its line in the file as it is
    if (std::ifstream in(out_, std::ios::binary); in) {
      std::stringstream s;
      s << in.rdbuf();
      importer::CsvReader reader(importer::decode(s.str(), importer::Encoding::utf8).utf8);
      importer::CsvRecord rec;
      while (reader.next(rec))
        if (rec.fields.size() == 3) before[rec.fields[0]] = rec.fields[1] + "," + rec.fields[2];
    }
    PushReport report;
    std::string text = "\xEF\xBB\xBF取引先コード,星取表,要求SCS\r\n";
    for (const auto& r : rows) {
      const std::string value = r.label + ",★" + std::to_string(r.required_scs);
      auto it = before.find(r.vendor_code);
      ++(it != before.end() && it->second == value ? report.unchanged : report.written);
      text += importer::neutralise_cell(r.vendor_code) + "," + value + "\r\n";
    }
    if (dry_run || (report.written == 0 && before.size() == rows.size())) return report;
    try {
      importer::replace_file(out_, text);
    } catch (const importer::ExportError& e) {
      throw ConnectorError(std::string(e.what()) + " (the standings file)");
    }
    return report;
  }

 private:
  std::string path_;
  importer::Encoding encoding_;
  std::string out_;
};

}  // namespace

std::unique_ptr<Connector> make_csv_connector(const ConnectorSettings& s) {
  const auto& doc = *s.doc;
  doc.only_keys(s.node, {"name", "kind", "every_minutes", "path", "encoding", "standings_out"});
  importer::Encoding encoding = importer::Encoding::automatic;
  const std::string enc = doc.opt_str(s.node, "encoding");
  if (!enc.empty() && !importer::parse_encoding(enc, encoding))
    throw doc.fail(s.node["encoding"], "connector " + s.name + ": encoding is auto, utf-8 or cp932");
  return std::make_unique<CsvConnector>(doc.str(s.node, "path"), encoding, doc.opt_str(s.node, "standings_out"));
}

}  // namespace hoshi::connectors
