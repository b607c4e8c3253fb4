#include "store/evidence_store.hpp"

#include <map>
#include <stdexcept>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/evidence.hpp"
#include "core/sha256.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::Row;
using store::select_rows;

namespace {
// Metadata only: evidence_blobs is asked whether the bytes exist (its primary key),
// never for them.
constexpr const char* kFileSelect =
    "SELECT e.id, e.number, e.vendor_code, e.topic, e.filename, e.media_type, e.size_bytes, e.sha256, "
    "e.uploaded_at, e.uploaded_by, e.link_id, w.withdrawn_at, w.withdrawn_by, "
    "CASE WHEN EXISTS (SELECT 1 FROM evidence_blobs b WHERE b.sha256 = e.sha256) THEN 1 ELSE 0 END, "
    "CASE WHEN EXISTS (SELECT 1 FROM evidence_downloads d WHERE d.evidence_id = e.id) THEN 1 ELSE 0 END "
    "FROM evidence_files e LEFT JOIN evidence_withdrawals w ON w.evidence_id = e.id ";
constexpr int kFileColumns = 15;

// A file whose bytes are still needed: it stands, or staff downloaded it.
constexpr const char* kNeededWhere =
    "f.sha256 = :a AND (NOT EXISTS (SELECT 1 FROM evidence_withdrawals w WHERE w.evidence_id = f.id) "
    "OR EXISTS (SELECT 1 FROM evidence_downloads d WHERE d.evidence_id = f.id))";

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
  f.link_id = r[10].value_or("");
  f.withdrawn_at = r[11];
  f.withdrawn_by = r[12].value_or("");
  f.content_stored = to_ll(r[13]) != 0;
  f.downloaded = to_ll(r[14]) != 0;
  return f;
}
}  // namespace

long long EvidenceStore::add_file(const EvidenceFile& f) {
  const std::string sha = sha256_hex(f.content);
  if (select_rows(db_, "SELECT 1 FROM evidence_blobs WHERE sha256 = :a", {sha}, 1).empty())
    execute(db_,
            "INSERT INTO evidence_blobs (sha256, size_bytes, content_base64, stored_at) VALUES (:a, :b, :c, :d) "
            "ON CONFLICT (sha256) DO NOTHING",
            {sha, static_cast<long long>(f.content.size()), base64_encode(f.content), f.uploaded_at});
  execute(db_,
          "INSERT INTO evidence_files (number, vendor_code, topic, filename, media_type, size_bytes, sha256, "
          "uploaded_at, uploaded_by, link_id) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j)",
          {f.number, f.vendor_code, f.topic, f.filename, f.media_type, static_cast<long long>(f.content.size()), sha,
           f.uploaded_at, f.uploaded_by, f.link_id.empty() ? std::optional<std::string>() : f.link_id});
  // the write transaction serialises writers, so the newest id of this request is ours
  auto rows = select_rows(db_, "SELECT MAX(id) FROM evidence_files WHERE number = :a", {f.number}, 1);
  return to_ll(rows.at(0)[0]);
}

std::vector<EvidenceFile> EvidenceStore::files_for_supplier(const std::string& vendor_code,
                                                            const std::optional<std::string>& number) {
  std::vector<EvidenceFile> out;
  const std::string sql =
      std::string(kFileSelect) + "WHERE e.vendor_code = :a" + (number ? " AND e.number = :b" : "") + " ORDER BY e.id";
  std::vector<store::Param> params{vendor_code};
  if (number) params.emplace_back(*number);
  store::for_each_row(db_, sql, params, kFileColumns, [&](Row& r) { out.push_back(file_from(r)); });
  return out;
}

std::optional<EvidenceFile> EvidenceStore::find(long long id) {
  auto rows = select_rows(db_, std::string(kFileSelect) + "WHERE e.id = :a", {id}, kFileColumns);
  if (rows.empty()) return std::nullopt;
  return file_from(rows[0]);
}

std::optional<std::string> EvidenceStore::content(const EvidenceFile& f) {
  auto rows = select_rows(db_, "SELECT content_base64 FROM evidence_blobs WHERE sha256 = :a", {f.sha256}, 1);
  if (rows.empty()) return std::nullopt;
  auto bytes = base64_decode(rows[0][0].value_or(""));
  if (!bytes || sha256_hex(*bytes) != f.sha256 || static_cast<long long>(bytes->size()) != f.size)
    throw std::runtime_error("evidence file " + std::to_string(f.id) +
                             " is damaged: its stored content no longer matches its SHA-256");
  return std::move(*bytes);
}

EvidenceUsage EvidenceStore::standing(const std::string& number) {
  auto rows = select_rows(db_,
                          "SELECT COUNT(*), COALESCE(SUM(e.size_bytes), 0) FROM evidence_files e WHERE e.number = :a "
                          "AND NOT EXISTS (SELECT 1 FROM evidence_withdrawals w WHERE w.evidence_id = e.id)",
                          {number}, 2);
  return {to_ll(rows.at(0)[0]), to_ll(rows.at(0)[1])};
}

std::vector<std::string> EvidenceStore::received_through_link(const std::string& link_id, const std::string& since) {
  std::vector<std::string> out;
  for (auto& r : select_rows(db_,
                             "SELECT uploaded_at FROM evidence_files WHERE link_id = :a AND uploaded_at > :b "
                             "ORDER BY uploaded_at",
                             {link_id, since}, 1))
    out.push_back(std::move(*r[0]));
  return out;
}

void EvidenceStore::add_withdrawal(const EvidenceFile& f, const std::string& at, const std::string& actor,
                                   const std::string& link_id) {
  execute(db_,
          "INSERT INTO evidence_withdrawals (evidence_id, number, withdrawn_at, withdrawn_by, link_id) "
          "VALUES (:a, :b, :c, :d, :e)",
          {f.id, f.number, at, actor, link_id.empty() ? std::optional<std::string>() : link_id});
}

bool EvidenceStore::content_needed(const std::string& sha256) {
  return !select_rows(db_, std::string("SELECT 1 FROM evidence_files f WHERE ") + kNeededWhere, {sha256}, 1).empty();
}

bool EvidenceStore::delete_content(const std::string& sha256) {
  return execute(db_, "DELETE FROM evidence_blobs WHERE sha256 = :a", {sha256}) > 0;
}

void EvidenceStore::add_download(const EvidenceFile& f, const std::string& at, const std::string& actor,
                                 const std::string& via) {
  execute(db_, "INSERT INTO evidence_downloads (evidence_id, number, at, actor, via) VALUES (:a, :b, :c, :d, :e)",
          {f.id, f.number, at, actor, via});
}

std::string EvidenceStore::add_agreement_scan(AgreementScan s) {
  if (s.content.empty()) throw Error(Code::invalid, "scan: the scan's bytes are required");
  const auto media = evidence::sniff_media_type(s.content);
  if (!media) throw Error(Code::invalid, "scan: " + s.filename + " is not a PDF, PNG or JPEG");
  s.media_type = *media;
  s.sha256 = sha256_hex(s.content);
  execute(db_,
          "INSERT INTO agreement_scans (number, version, filename, media_type, size_bytes, sha256, content_base64, "
          "stored_at, stored_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i)",
          {s.number, s.version, s.filename, s.media_type, static_cast<long long>(s.content.size()), s.sha256,
           base64_encode(s.content), s.stored_at, s.stored_by});
  return s.sha256;
}

std::optional<AgreementScan> EvidenceStore::agreement_scan(const std::string& number, long long version,
                                                           bool with_content) {
  auto rows = select_rows(db_,
                          std::string("SELECT filename, media_type, size_bytes, sha256, stored_at, stored_by, ") +
                              (with_content ? "content_base64" : "NULL") +
                              " FROM agreement_scans WHERE number = :a AND version = :b",
                          {number, version}, 7);
  if (rows.empty()) return std::nullopt;
  auto& r = rows[0];
  AgreementScan s{number, version, *r[0], *r[1], to_ll(r[2]), *r[3], *r[4], *r[5], ""};
  if (with_content) {
    auto bytes = base64_decode(r[6].value_or(""));
    if (!bytes || sha256_hex(*bytes) != s.sha256 || static_cast<long long>(bytes->size()) != s.size)
      throw std::runtime_error("the paper scan of " + number + " version " + std::to_string(version) +
                               " is damaged: its stored content no longer matches its SHA-256");
    s.content = std::move(*bytes);
  }
  return s;
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
