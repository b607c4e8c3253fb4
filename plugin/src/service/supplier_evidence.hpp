// What a supplier sends from its request page besides its answers, checked and stored
// with their audit events, one write transaction per submission (all of it or none):
// evidence files for its SECURITY ACTION / お助け隊 / SCS status — within the policy's
// limits (policy.yaml `evidence:`), withdrawable by the supplier — and its self-check
// against the request's SCS requirement items. Messages are Japanese: the supplier
// reads them on its page.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/catalogs.hpp"
#include "core/error.hpp"
#include "service/service.hpp"
#include "store/evidence_store.hpp"

namespace hoshi {

struct EvidenceUpload {
  std::string filename;  // as the browser sent it
  std::string content;   // the bytes
};

// A file or a submission was refused; what() says why, in Japanese, naming the file or
// the limit (policy.yaml `evidence:`). Nothing was stored.
struct EvidenceRefused : Error {
  enum class Kind {
    bad_file,           // not PDF/PNG/JPEG, empty, unreadable name — 422
    file_too_large,     // one file over max_file_bytes — 413
    request_full,       // the request would hold more than max_files_per_request — 400
    request_too_large,  // … or more than max_bytes_per_request — 413
    rate_limited,       // the link received max_uploads_per_link_per_hour files in the last hour — 429
  };
  EvidenceRefused(Kind k, const std::string& what, long retry_after = 0)
      : Error(Code::invalid, what), kind(k), retry_after_seconds(retry_after) {}
  int http_status() const;
  Kind kind;
  long retry_after_seconds;  // rate_limited: when the link may send one file again
};

// A download of a file that its supplier withdrew and whose bytes were deleted.
struct EvidenceGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct SelfCheckAnswer {
  std::string item;        // requirement number, "1-2-1"
  std::string answer;      // done | planned | not_planned
  std::string planned_on;  // planned only: the date (any form parse_date reads)
  std::string note;        // optional
};

// One requirement item of the request with the latest self-check answer (if any).
struct SelfCheckItem {
  std::string item, title;
  std::optional<records::SelfCheckRecord> latest;
};

class SupplierEvidence {
 public:
  explicit SupplierEvidence(Service& svc) : svc_(svc) {}

  // Checks every file (PDF, PNG or JPEG judged by its first bytes; 1 byte to the
  // policy's max_file_bytes; a UTF-8 name) and the policy's limits (files per upload;
  // per request, counting its standing files; per link and hour, counted in the database
  // from the files received through `link_id`), then stores them all for the request's
  // own supplier — bytes already stored (same SHA-256) are not stored again — each with
  // an evidence.uploaded audit event (name, type, size, SHA-256; never the content), in
  // one write transaction. Throws EvidenceRefused naming the file or the limit;
  // Error (Code::invalid) (topic, no file, too many at once, name too long);
  // Error (Code::notfound) (no request).
  std::vector<records::EvidenceFile> upload(const std::string& number, const std::string& topic,
                                            const std::vector<EvidenceUpload>& files, const std::string& uploaded_by,
                                            const std::string& actor, const std::string& link_id = "");
  // Before the body is read: throws EvidenceRefused (request_full, request_too_large,
  // rate_limited) when not even one more small file could be taken for the request
  // through `link_id`. upload() checks again, exactly, under the write lock.
  void check_room(const std::string& number, const std::string& link_id);
  // A supplier's files, metadata only (no bytes are read), oldest first (`number`: one
  // request's only); withdrawn ones too, marked.
  std::vector<records::EvidenceFile> list(const std::string& vendor_code,
                                          const std::optional<std::string>& number = std::nullopt);
  // The request's standing files: how many and their bytes.
  records::EvidenceUsage usage(const std::string& number);
  // One file with its bytes (their SHA-256 checked) for staff: the download is recorded
  // (evidence_downloads and an evidence.downloaded audit event, `actor` and the thread's
  // principal as via) in the same transaction that reads the bytes, so a withdrawal
  // always knows whether the buyer has them. nullopt when there is no such file; throws
  // EvidenceGone when it was withdrawn and its bytes deleted.
  std::optional<records::EvidenceFile> download(long long id, const std::string& actor);
  // The supplier withdraws file `id` of request `number` (a file of another request is
  // not found). Recorded (evidence_withdrawals and an evidence.withdrawn audit event);
  // the bytes are deleted at once unless staff downloaded a file with this content or a
  // standing file has it — then they stay until the request is purged past retention.
  // Returns the file as it is now. Throws Error (Code::invalid) (no such file in this
  // request, or already withdrawn; Japanese), Error (Code::notfound) (no request).
  records::EvidenceFile withdraw(const std::string& number, long long id, const std::string& actor,
                                 const std::string& link_id);

  // Records the answers (each for an item the request names; planned needs a date
  // from today on) with one self_check.answered audit event. Throws
  // Error (Code::invalid) naming the item, Error (Code::notfound) (no request),
  // StateConflict (a draft).
  void record_self_check(const std::string& number, const std::vector<SelfCheckAnswer>& answers,
                         const std::string& actor);
  // The request's items in its order, each with its latest answer.
  std::vector<SelfCheckItem> self_check(const std::string& number);

 private:
  Service& svc_;
};

// Inside a write transaction: throws EvidenceRefused when `files` more files of `bytes`
// bytes in all would break the policy's limits for request `number` or link `link_id`.
void check_evidence_limits(store::Database& db, const EvidencePolicy& policy, const std::string& number,
                           const std::string& link_id, long long files, long long bytes);

// {"id", "number", "topic", "topic_label", "filename", "media_type", "size", "sha256",
//  "uploaded_at", "uploaded_by", "href", "withdrawn_at" (null while it stands),
//  "content_stored"} — the staff's view of a file (no content).
Poco::JSON::Object::Ptr evidence_json(const records::EvidenceFile& f);
// {"item", "answer", "planned_on", "note", "answered_at", "answered_by"}.
Poco::JSON::Object::Ptr self_check_json(const records::SelfCheckRecord& r);

namespace api {}  // namespace api

}  // namespace hoshi
