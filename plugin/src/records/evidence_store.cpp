#include "records/evidence_store.hpp"

#include <map>
#include <stdexcept>

#include "core/base64.hpp"
#include "core/sha256.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::Row;
using store::select_rows;

namespace {
constexpr const char* kFileColumns =
    "id, number, vendor_code, topic, filename, media_type, size_bytes, sha256, uploaded_at, uploaded_by";

long long to_ll(const std::optional<std::string>& s) { return s ? std::stoll(*s) : 0; }

EvidenceFile file_from(Row& r) {
  EvidenceFile f;
  f.id = to_ll(r[0]);
  f.number = std::move(*r[1]);
  f.vendor_code = std::move(*r[2]);
  f.topic = std::move(*r[3]);
  f.filename = std::move(*r[4]);
  f.media_type = std::move(*r[5]);
  f.size = to_ll(r[6]);
  f.sha256 = std::move(*r[7]);
  f.uploaded_at = std::move(*r[8]);
  f.uploaded_by = std::move(*r[9]);
  return f;
}
}  // namespace

long long EvidenceStore::add_file(const EvidenceFile& f) {
  execute(db_,
          "INSERT INTO evidence_files (number, vendor_code, topic, filename, media_type, size_bytes, sha256, "
          "content_base64, uploaded_at, uploaded_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)",
          {f.number, f.vendor_code, f.topic, f.filename, f.media_type, static_cast<long long>(f.content.size()),
           sha256_hex(f.content), base64_encode(f.content), f.uploaded_at, f.uploaded_by});
  // the write transaction serialises writers, so the newest id of this request is ours
  auto rows = select_rows(db_, "SELECT MAX(id) FROM evidence_files WHERE number = :a", {f.number}, 1);
  return to_ll(rows.at(0)[0]);
}

std::vector<EvidenceFile> EvidenceStore::files_for_supplier(const std::string& vendor_code,
                                                            const std::optional<std::string>& number) {
  std::vector<EvidenceFile> out;
  const std::string sql = std::string("SELECT ") + kFileColumns + " FROM evidence_files WHERE vendor_code = :a" +
                          (number ? " AND number = :b" : "") + " ORDER BY id";
  std::vector<store::Param> params{vendor_code};
  if (number) params.emplace_back(*number);
  store::for_each_row(db_, sql, params, 10, [&](Row& r) { out.push_back(file_from(r)); });
  return out;
}

std::optional<EvidenceFile> EvidenceStore::file(long long id) {
  auto rows = select_rows(
      db_, std::string("SELECT ") + kFileColumns + ", content_base64 FROM evidence_files WHERE id = :a", {id}, 11);
  if (rows.empty()) return std::nullopt;
  EvidenceFile f = file_from(rows[0]);
  auto bytes = base64_decode(rows[0][10].value_or(""));
  if (!bytes || sha256_hex(*bytes) != f.sha256 || static_cast<long long>(bytes->size()) != f.size)
    throw std::runtime_error("evidence file " + std::to_string(id) +
                             " is damaged: its stored content no longer matches its SHA-256");
  f.content = std::move(*bytes);
  return f;
}

void EvidenceStore::add_self_check(const std::string& number, const std::string& vendor_code,
                                   const SelfCheckRecord& r) {
  execute(db_,
          "INSERT INTO scs_self_checks (number, vendor_code, item_no, answer, planned_on, note, answered_at, "
          "answered_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
          {number, vendor_code, r.item, r.answer, r.planned_on, r.note, r.answered_at, r.answered_by});
}

std::vector<SelfCheckRecord> EvidenceStore::latest_self_check(const std::string& number) {
  std::map<std::string, SelfCheckRecord> latest;  // later rows replace earlier ones
  store::for_each_row(db_,
                      "SELECT item_no, answer, planned_on, note, answered_at, answered_by FROM scs_self_checks "
                      "WHERE number = :a ORDER BY id",
                      {number}, 6, [&](Row& r) {
                        SelfCheckRecord s{*r[0], *r[1], r[2], r[3], *r[4], *r[5]};
                        latest[s.item] = std::move(s);
                      });
  std::vector<SelfCheckRecord> out;
  for (auto& [item, s] : latest) out.push_back(std::move(s));
  return out;
}

}  // namespace hoshi::records
