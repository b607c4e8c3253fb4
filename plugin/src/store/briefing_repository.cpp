#include "store/briefing_repository.hpp"

#include "store/rows.hpp"

namespace hoshi::records {

using store::Columns;
using store::execute;
using store::for_each_named;
using store::last_id;
using store::NamedRow;
using store::Param;

namespace {

BriefingMaterial material_of(const NamedRow& r, long long campaign_id, long long id) {
  BriefingMaterial m;
  m.id = id;
  m.campaign_id = campaign_id;
  m.filename = r.text("filename");
  m.media_type = r.text("media_type");
  m.size = r.integer("size_bytes");
  m.sha256 = r.text("sha256");
  m.added_at = r.text("added_at");
  m.added_by = r.text("added_by");
  return m;
}

}  // namespace

long long BriefingAnswers::add(long long campaign_id, const BriefingAnswerRecord& a) {
  execute(db_,
          "INSERT INTO briefing_answers (campaign_id, vendor_code, answer, attendees, note, via, recorded_at, "
          "recorded_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
          {campaign_id, a.vendor_code, a.answer,
           a.attendees ? Param(static_cast<long long>(*a.attendees)) : Param(std::optional<std::string>()), a.note,
           a.via, a.recorded_at, a.recorded_by});
  return last_id(db_, "FROM briefing_answers WHERE campaign_id = :a AND vendor_code = :b AND recorded_at = :c",
                 {campaign_id, a.vendor_code, a.recorded_at});
}

std::vector<BriefingAnswerRecord> BriefingAnswers::of(long long campaign_id, const std::string& vendor_code) {
  static const Columns cols("id, vendor_code, answer, attendees, note, via, recorded_at, recorded_by");
  std::vector<BriefingAnswerRecord> out;
  auto add = [&](const NamedRow& r) {
    BriefingAnswerRecord a;
    a.id = r.integer("id");
    a.vendor_code = r.text("vendor_code");
    a.answer = r.text("answer");
    if (r["attendees"]) a.attendees = static_cast<int>(r.integer("attendees"));
    a.note = r.text("note");
    a.via = r.text("via");
    a.recorded_at = r.text("recorded_at");
    a.recorded_by = r.text("recorded_by");
    out.push_back(std::move(a));
  };
  if (vendor_code.empty())
    for_each_named(db_, cols, "FROM briefing_answers WHERE campaign_id = :a ORDER BY id", {campaign_id}, add);
  else
    for_each_named(db_, cols, "FROM briefing_answers WHERE campaign_id = :a AND vendor_code = :b ORDER BY id",
                   {campaign_id, vendor_code}, add);
  return out;
}

long long BriefingMaterials::count(long long campaign_id) {
  static const Columns cols("COUNT(*) AS n");
  long long n = 0;
  for_each_named(db_, cols, "FROM briefing_materials WHERE campaign_id = :a", {campaign_id},
                 [&](const NamedRow& r) { n = r.integer("n"); });
  return n;
}

long long BriefingMaterials::add(const BriefingMaterial& m, const std::string& content_base64) {
  execute(db_,
          "INSERT INTO briefing_materials (campaign_id, filename, media_type, size_bytes, sha256, content_base64, "
          "added_at, added_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
          {m.campaign_id, m.filename, m.media_type, m.size, m.sha256, content_base64, m.added_at, m.added_by});
  return last_id(db_, "FROM briefing_materials WHERE campaign_id = :a AND added_at = :b AND sha256 = :c",
                 {m.campaign_id, m.added_at, m.sha256});
}

std::vector<BriefingMaterial> BriefingMaterials::of(long long campaign_id) {
  static const Columns cols("id, filename, media_type, size_bytes, sha256, added_at, added_by");
  std::vector<BriefingMaterial> out;
  for_each_named(db_, cols, "FROM briefing_materials WHERE campaign_id = :a ORDER BY id", {campaign_id},
                 [&](const NamedRow& r) { out.push_back(material_of(r, campaign_id, r.integer("id"))); });
  return out;
}

std::optional<std::pair<BriefingMaterial, std::string>> BriefingMaterials::find(long long campaign_id, long long id) {
  static const Columns cols("filename, media_type, size_bytes, sha256, added_at, added_by, content_base64");
  std::optional<std::pair<BriefingMaterial, std::string>> out;
  for_each_named(db_, cols, "FROM briefing_materials WHERE campaign_id = :a AND id = :b", {campaign_id, id},
                 [&](const NamedRow& r) { out.emplace(material_of(r, campaign_id, id), r.text("content_base64")); });
  return out;
}

}  // namespace hoshi::records
