// Reads and writes what a supplier sends besides its answers: evidence files (kept
// as base64 text with their SHA-256, so both backends store them alike) and its
// self-check against the request's SCS requirement items (append-only: every answer
// is a new row, the latest per item is the one that counts). Callers own the
// transaction (store::WriteTransaction for writes) and the audit event.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

struct EvidenceFile {
  long long id = 0;
  std::string number, vendor_code;
  std::string topic;  // sa | otasuketai | scs
  std::string filename, media_type;
  long long size = 0;
  std::string sha256, uploaded_at, uploaded_by;
  std::string content;  // the bytes: filled only by EvidenceStore::file
};

struct SelfCheckRecord {
  std::string item;    // requirement number, "1-2-1"
  std::string answer;  // done | planned | not_planned
  std::optional<std::string> planned_on, note;
  std::string answered_at, answered_by;
};

class EvidenceStore {
 public:
  explicit EvidenceStore(store::Database& db) : db_(db) {}

  // Inserts the file (f.content holds the bytes) and returns its id.
  long long add_file(const EvidenceFile& f);
  // Without content, oldest first. `number` narrows to one request.
  std::vector<EvidenceFile> files_for_supplier(const std::string& vendor_code,
                                               const std::optional<std::string>& number = std::nullopt);
  // With content; nullopt when there is no such file. Throws std::runtime_error when
  // the stored text no longer decodes to bytes with the recorded SHA-256.
  std::optional<EvidenceFile> file(long long id);

  void add_self_check(const std::string& number, const std::string& vendor_code, const SelfCheckRecord& r);
  // The latest answer for each item of the request, by item number.
  std::vector<SelfCheckRecord> latest_self_check(const std::string& number);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
