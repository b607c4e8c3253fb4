// The briefing tables, one repository each: the suppliers' answers (briefing_answers,
// every answer a new row) and the files shown (briefing_materials, kept as base64).
// Callers own the transaction.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/database.hpp"

namespace hoshi::records {

struct BriefingAnswerRecord {
  long long id = 0;
  std::string vendor_code, answer, note, via, recorded_at, recorded_by;
  std::optional<int> attendees;
};

struct BriefingMaterial {
  long long id = 0, campaign_id = 0, size = 0;
  std::string filename, media_type, sha256, added_at, added_by;
  std::string content;  // the bytes: filled only for a download
};

class BriefingAnswers {
 public:
  explicit BriefingAnswers(store::Database& db) : db_(db) {}
  // Adds the answer (id ignored) to the campaign; returns its id (needs the write transaction).
  long long add(long long campaign_id, const BriefingAnswerRecord& a);
  // Oldest first; of one supplier, or of all when vendor_code is empty.
  std::vector<BriefingAnswerRecord> of(long long campaign_id, const std::string& vendor_code = "");

 private:
  store::Database& db_;
};

class BriefingMaterials {
 public:
  explicit BriefingMaterials(store::Database& db) : db_(db) {}
  long long count(long long campaign_id);
  // Stores m (id ignored, content unused) with its bytes as base64; returns its id.
  long long add(const BriefingMaterial& m, const std::string& content_base64);
  std::vector<BriefingMaterial> of(long long campaign_id);  // without contents, by id
  // The material with its stored base64 text; nullopt when the campaign has no such id.
  std::optional<std::pair<BriefingMaterial, std::string>> find(long long campaign_id, long long id);

 private:
  store::Database& db_;
};

}  // namespace hoshi::records
