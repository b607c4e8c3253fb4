// The briefing (説明会) step: who attends a briefing campaign and what was shown there.
//
// Attendance: each supplier a queued briefing campaign invited answers 出席 / 欠席 (with
// the number of attendees and a note) on its briefing page, or staff record the reply
// they received by phone, mail or to the invitation, naming how. Every answer is a new
// row with one "briefing.answered" audit event; the latest per supplier counts and the
// earlier ones stay.
//
// Materials: the files shown at the briefing (PDF, PNG, JPEG — slides as PDF), attached
// by staff with their SHA-256, name, size, who and when (one "briefing.material_added"
// event each); staff and the invited suppliers download them, each download an event.
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

#include "core/briefing.hpp"
#include "service/service.hpp"
#include "store/briefing_repository.hpp"

namespace hoshi {

using records::BriefingAnswerRecord;  // the rows, as store/briefing_repository.hpp reads them
using records::BriefingMaterial;

class BriefingService {
 public:
  static constexpr int kMaxMaterials = 20;  // per campaign

  explicit BriefingService(Service& svc) : svc_(svc) {}

  // Records one answer (via: briefing::kSupplierPageVia or briefing::staff_via(…)).
  // Throws Error (Code::notfound) (no campaign), Error (Code::invalid) naming the field
  // ("campaign": not a briefing or not sent yet; "vendor_code": not invited). Returns its id.
  long long answer(long long campaign, const std::string& vendor_code, const briefing::AnswerInput& in,
                   const std::string& via, const std::string& actor);
  // The campaign's invited suppliers with their latest answer and how many they gave,
  // and the counts: {campaign, title, counts:{attend, absent, unanswered, attendees},
  // suppliers:[…]}.
  Poco::JSON::Object::Ptr attendance(long long campaign);
  // One supplier's answers to the campaign, oldest first.
  std::vector<BriefingAnswerRecord> answers_of(long long campaign, const std::string& vendor_code);

  // Attaches a file (kind judged from its bytes; size within the policy's evidence
  // max_file_bytes; at most kMaxMaterials). Error (Code::invalid) naming the field
  // ("file", "filename", "campaign") when refused; nothing is stored then.
  BriefingMaterial add_material(long long campaign, const std::string& filename, const std::string& content,
                                const std::string& actor);
  // Metadata only, oldest first.
  std::vector<BriefingMaterial> materials(long long campaign);
  // One material of the campaign with its bytes (checked against its SHA-256), and a
  // "briefing.material_downloaded" event by `actor`; nullopt when the campaign has no
  // material `id`.
  std::optional<BriefingMaterial> download(long long campaign, long long id, const std::string& actor,
                                           const std::string& vendor_code = "");

 private:
  Service& svc_;
};

}  // namespace hoshi
