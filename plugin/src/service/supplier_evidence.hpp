// What a supplier sends from its request page besides its answers, checked and stored
// with their audit events, one write transaction per submission (all of it or none):
// evidence files for its SECURITY ACTION / お助け隊 / SCS status, and its self-check
// against the request's SCS requirement items. Messages are Japanese: the supplier
// reads them on its page.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "records/evidence_store.hpp"
#include "service/service.hpp"

namespace hoshi {

struct EvidenceUpload {
  std::string filename;  // as the browser sent it
  std::string content;   // the bytes
};

// A file was refused; what() names the file and why. too_large: over evidence::kMaxFileBytes.
struct EvidenceRefused : std::invalid_argument {
  EvidenceRefused(bool large, const std::string& what) : std::invalid_argument(what), too_large(large) {}
  bool too_large;
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

  // Checks every file (PDF, PNG or JPEG judged by its first bytes; 1 byte to
  // evidence::kMaxFileBytes; a UTF-8 name) and stores them all for the request's own
  // supplier, each with an evidence.uploaded audit event (name, type, size, SHA-256;
  // never the content). Throws EvidenceRefused naming the file; std::invalid_argument
  // (topic, no file, too many, name too long); std::out_of_range (no request).
  std::vector<records::EvidenceFile> upload(const std::string& number, const std::string& topic,
                                            const std::vector<EvidenceUpload>& files, const std::string& uploaded_by,
                                            const std::string& actor);
  // A supplier's files without content, oldest first (`number`: one request's only).
  std::vector<records::EvidenceFile> list(const std::string& vendor_code,
                                          const std::optional<std::string>& number = std::nullopt);
  // One file with its bytes (their SHA-256 checked); nullopt when there is none.
  std::optional<records::EvidenceFile> file(long long id);

  // Records the answers (each for an item the request names; planned needs a date
  // from today on) with one self_check.answered audit event. Throws
  // std::invalid_argument naming the item, std::out_of_range (no request),
  // StateConflict (a draft).
  void record_self_check(const std::string& number, const std::vector<SelfCheckAnswer>& answers,
                         const std::string& actor);
  // The request's items in its order, each with its latest answer.
  std::vector<SelfCheckItem> self_check(const std::string& number);

 private:
  Service& svc_;
};

// {"id", "number", "topic", "topic_label", "filename", "media_type", "size", "sha256",
//  "uploaded_at", "uploaded_by", "href"} — the staff's view of a file (no content).
Poco::JSON::Object::Ptr evidence_json(const records::EvidenceFile& f);
// {"item", "answer", "planned_on", "note", "answered_at", "answered_by"}.
Poco::JSON::Object::Ptr self_check_json(const records::SelfCheckRecord& r);

namespace api {
// The evidence and self-check ops (evidence, evidence_file, self_check,
// self_check_record); nullopt for an op it does not know. Throws ApiError.
std::optional<std::string> handle_evidence_op(Service& svc, const std::string& op, const Poco::JSON::Object::Ptr& req);
}  // namespace api

}  // namespace hoshi
