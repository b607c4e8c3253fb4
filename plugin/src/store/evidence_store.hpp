// Reads and writes what a supplier sends besides its answers: evidence files and its
// self-check against the request's SCS requirement items (append-only: every answer is
// a new row, the latest per item is the one that counts). Callers own the transaction
// (store::WriteTransaction for writes) and the audit event.
//
// An evidence file is a metadata row (evidence_files) naming its bytes by SHA-256; the
// bytes are kept once per content in evidence_blobs (base64 text, so both backends store
// them alike; migration 012). Listing reads only metadata: the bytes are read only by
// content(), for a download. A file may be withdrawn by its supplier
// (evidence_withdrawals) and every staff download is recorded (evidence_downloads).
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
  std::string link_id;                      // the supplier link it came through ("" when unknown)
  std::optional<std::string> withdrawn_at;  // set once the supplier withdrew it
  std::string withdrawn_by;                 // the withdrawal's actor
  bool content_stored = true;               // false: withdrawn and its bytes deleted
  bool downloaded = false;                  // staff downloaded it at least once
  std::string content;                      // the bytes: filled only for a download
};

struct SelfCheckRecord {
  std::string item;    // requirement number, "1-2-1"
  std::string answer;  // done | planned | not_planned
  std::optional<std::string> planned_on, note;
  std::string answered_at, answered_by;
};

// The scan of an agreement the supplier signed on paper (記名押印), kept with the
// supplier's confirmation of that version (agreement_scans, migration 016): its bytes,
// their SHA-256 (computed here from them), size and media type (judged from the bytes).
struct AgreementScan {
  std::string number;
  long long version = 0;
  std::string filename, media_type;
  long long size = 0;
  std::string sha256, stored_at, stored_by;
  std::string content;  // the bytes: filled by add_agreement_scan's caller, and for a download
};

// A request's standing (not withdrawn) files, and what one link received since a time.
struct EvidenceUsage {
  long long files = 0, bytes = 0;
};

class EvidenceStore {
 public:
  explicit EvidenceStore(store::Database& db) : db_(db) {}

  // Inserts the file's row (f.content holds the bytes; f.sha256 is computed here) and
  // its bytes unless a blob with that SHA-256 is stored already. Returns the new id.
  long long add_file(const EvidenceFile& f);
  // Metadata only (no bytes are read), oldest first. `number` narrows to one request.
  std::vector<EvidenceFile> files_for_supplier(const std::string& vendor_code,
                                               const std::optional<std::string>& number = std::nullopt);
  // One file's metadata; nullopt when there is no such file.
  std::optional<EvidenceFile> find(long long id);
  // The file's bytes, checked against its SHA-256 and size; nullopt when they were
  // deleted. Throws std::runtime_error when the stored text no longer matches.
  std::optional<std::string> content(const EvidenceFile& f);

  // Count and bytes of the request's files that are not withdrawn.
  EvidenceUsage standing(const std::string& number);
  // When each file received through `link_id` after `since` (UTC ISO) was received, oldest first.
  std::vector<std::string> received_through_link(const std::string& link_id, const std::string& since);

  // Records the withdrawal (at most one per file: a second throws from the store).
  void add_withdrawal(const EvidenceFile& f, const std::string& at, const std::string& actor,
                      const std::string& link_id);
  // Whether the bytes with this SHA-256 are still needed: a file with them stands (not
  // withdrawn), or was downloaded by staff (then they are kept until the purge).
  bool content_needed(const std::string& sha256);
  // Deletes the bytes (the store refuses while content_needed). True when there were some.
  bool delete_content(const std::string& sha256);
  void add_download(const EvidenceFile& f, const std::string& at, const std::string& actor, const std::string& via);

  // Stores the scan (s.content; its SHA-256, size and media type are computed here; throws
  // Error (Code::invalid) for empty bytes or anything but a PDF, PNG or JPEG). Returns the
  // SHA-256. Inside the caller's write transaction, with the confirmation it belongs to.
  std::string add_agreement_scan(AgreementScan s);
  // The scan kept with the supplier's confirmation of `version`; `with_content` also reads
  // and checks its bytes (std::runtime_error when they no longer match their SHA-256).
  std::optional<AgreementScan> agreement_scan(const std::string& number, long long version, bool with_content);

  void add_self_check(const std::string& number, const std::string& vendor_code, const SelfCheckRecord& r);
  // The latest answer for each item of the request, by item number.
  std::vector<SelfCheckRecord> latest_self_check(const std::string& number);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
