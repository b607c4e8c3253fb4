#include "service/briefing.hpp"

#include <map>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/evidence.hpp"
#include "core/sha256.hpp"
#include "service/json_args.hpp"
#include "store/audit_log.hpp"
#include "store/rows.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using store::execute;
using store::select_rows;

namespace {

std::string subject_of(long long campaign) { return "campaign:" + std::to_string(campaign); }

// The campaign's title; throws unless it is a briefing that has been sent (queued).
std::string require_briefing(store::Database& db, long long campaign) {
  auto c = select_rows(db, "SELECT kind, state, title FROM campaigns WHERE id = :a", {campaign}, 3);
  if (c.empty()) throw Error(Code::notfound, "no campaign " + std::to_string(campaign));
  if (c[0][0].value_or("") != "briefing")
    throw Error(Code::invalid, "campaign: " + std::to_string(campaign) + " is not a briefing (it is a " +
                                   c[0][0].value_or("") + " campaign)");
  return c[0][2].value_or("");
}

BriefingAnswerRecord answer_of(const store::Row& r) {
  BriefingAnswerRecord a;
  a.id = std::stoll(*r[0]);
  a.vendor_code = *r[1];
  a.answer = *r[2];
  if (r[3]) a.attendees = std::stoi(*r[3]);
  a.note = r[4].value_or("");
  a.via = r[5].value_or("");
  a.recorded_at = r[6].value_or("");
  a.recorded_by = r[7].value_or("");
  return a;
}

constexpr const char* kAnswerColumns =
    "SELECT id, vendor_code, answer, attendees, note, via, recorded_at, recorded_by FROM briefing_answers ";

}  // namespace

long long BriefingService::answer(long long campaign, const std::string& vendor_code, const briefing::AnswerInput& in,
                                  const std::string& via, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  if (in.answer != "attend" && in.answer != "absent") throw Error(Code::invalid, "answer: must be attend or absent");
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    require_briefing(db, campaign);
    if (select_rows(db, "SELECT 1 FROM campaign_recipients WHERE campaign_id = :a AND vendor_code = :b",
                    {campaign, vendor_code}, 1)
            .empty())
      throw Error(Code::invalid, "vendor_code: " + vendor_code + " was not invited by campaign " +
                                     std::to_string(campaign) + " (or the campaign is not sent yet)");
    const std::string now = records::audit_now();
    execute(db,
            "INSERT INTO briefing_answers (campaign_id, vendor_code, answer, attendees, note, via, recorded_at, "
            "recorded_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
            {campaign, vendor_code, in.answer,
             in.attendees ? store::Param(static_cast<long long>(*in.attendees))
                          : store::Param(std::optional<std::string>()),
             in.note, via, now, actor});
    auto rows = select_rows(db,
                            "SELECT MAX(id) FROM briefing_answers WHERE campaign_id = :a AND vendor_code = :b "
                            "AND recorded_at = :c",
                            {campaign, vendor_code, now}, 1);
    const long long id = std::stoll(*rows.at(0)[0]);
    auto after = obj();
    after->set("answer", in.answer);
    after->set("attendees", in.attendees ? Poco::Dynamic::Var(*in.attendees) : Poco::Dynamic::Var());
    after->set("note", in.note);
    after->set("via", via);
    records::AuditLog(db, svc_.principal())
        .append({actor, "briefing.answered", subject_of(campaign), vendor_code, std::nullopt, api::to_string(after)});
    tx.commit();
    return id;
  });
}

std::vector<BriefingAnswerRecord> BriefingService::answers_of(long long campaign, const std::string& vendor_code) {
  auto rows = svc_.with_db([&](store::Database& db) {
    return select_rows(db, std::string(kAnswerColumns) + "WHERE campaign_id = :a AND vendor_code = :b ORDER BY id",
                       {campaign, vendor_code}, 8);
  });
  std::vector<BriefingAnswerRecord> out;
  for (const auto& r : rows) out.push_back(answer_of(r));
  return out;
}

Object::Ptr BriefingService::attendance(long long campaign) {
  std::string title;
  std::vector<store::Row> invited, answers;
  svc_.with_db([&](store::Database& db) {
    title = require_briefing(db, campaign);
    invited = select_rows(db,
                          "SELECT DISTINCT r.vendor_code, s.name FROM campaign_recipients r "
                          "LEFT JOIN suppliers s ON s.vendor_code = r.vendor_code "
                          "WHERE r.campaign_id = :a ORDER BY r.vendor_code",
                          {campaign}, 2);
    answers = select_rows(db, std::string(kAnswerColumns) + "WHERE campaign_id = :a ORDER BY id", {campaign}, 8);
    return 0;
  });
  std::map<std::string, std::pair<BriefingAnswerRecord, long long>> latest;  // the last answer, how many
  for (const auto& r : answers) {
    auto& slot = latest[*r[1]];
    slot.first = answer_of(r);
    ++slot.second;
  }
  long long attend = 0, absent = 0, unanswered = 0, people = 0;
  Array::Ptr list = new Array;
  for (const auto& r : invited) {
    auto e = obj();
    e->set("vendor_code", *r[0]);
    e->set("name", r[1].value_or(""));
    auto it = latest.find(*r[0]);
    if (it == latest.end()) {
      ++unanswered;
      e->set("answer", Poco::Dynamic::Var());
      e->set("answer_word", std::string(briefing::answer_word("")));
      e->set("answers", 0);
    } else {
      const BriefingAnswerRecord& a = it->second.first;
      (a.answer == "attend" ? attend : absent)++;
      if (a.attendees) people += *a.attendees;
      e->set("answer", a.answer);
      e->set("answer_word", std::string(briefing::answer_word(a.answer)));
      e->set("attendees", a.attendees ? Poco::Dynamic::Var(*a.attendees) : Poco::Dynamic::Var());
      e->set("note", a.note);
      e->set("via", a.via);
      e->set("via_words", briefing::via_words(a.via));
      e->set("recorded_at", a.recorded_at);
      e->set("recorded_by", a.recorded_by);
      e->set("answers", it->second.second);
    }
    list->add(e);
  }
  auto counts = obj();
  counts->set("attend", attend);
  counts->set("absent", absent);
  counts->set("unanswered", unanswered);
  counts->set("attendees", people);
  auto o = obj();
  o->set("campaign", campaign);
  o->set("title", title);
  o->set("counts", counts);
  o->set("suppliers", list);
  return o;
}

BriefingMaterial BriefingService::add_material(long long campaign, const std::string& filename,
                                               const std::string& content, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const long long max = svc_.catalogs().policy.evidence.max_file_bytes;
  if (content.empty()) throw Error(Code::invalid, "file: " + filename + " is empty");
  if (static_cast<long long>(content.size()) > max)
    throw Error(Code::invalid, "file: " + filename + " is " + std::to_string(content.size()) + " bytes; at most " +
                                   std::to_string(max) + " (policy.yaml evidence.max_file_bytes)");
  const auto type = evidence::sniff_media_type(content);
  if (!type) throw Error(Code::invalid, "file: " + filename + " is not a PDF, PNG or JPEG (slides: save as PDF)");
  const auto name = evidence::clean_filename(filename, *type);
  if (!name) throw Error(Code::invalid, "filename: not UTF-8 text");
  BriefingMaterial m;
  m.campaign_id = campaign;
  m.filename = *name;
  m.media_type = *type;
  m.size = static_cast<long long>(content.size());
  m.sha256 = sha256_hex(content);
  m.added_by = actor;
  svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    require_briefing(db, campaign);
    auto n = select_rows(db, "SELECT COUNT(*) FROM briefing_materials WHERE campaign_id = :a", {campaign}, 1);
    if (std::stoll(n.at(0)[0].value_or("0")) >= kMaxMaterials)
      throw Error(Code::invalid, "campaign: " + std::to_string(campaign) + " has " + std::to_string(kMaxMaterials) +
                                     " materials already (the most one briefing takes)");
    m.added_at = records::audit_now();
    execute(db,
            "INSERT INTO briefing_materials (campaign_id, filename, media_type, size_bytes, sha256, content_base64, "
            "added_at, added_by) VALUES (:a, :b, :c, :d, :e, :f, :g, :h)",
            {campaign, m.filename, m.media_type, m.size, m.sha256, base64_encode(content), m.added_at, actor});
    auto rows = select_rows(db,
                            "SELECT MAX(id) FROM briefing_materials WHERE campaign_id = :a AND added_at = :b "
                            "AND sha256 = :c",
                            {campaign, m.added_at, m.sha256}, 1);
    m.id = std::stoll(*rows.at(0)[0]);
    auto after = obj();
    after->set("material", m.id);
    after->set("filename", m.filename);
    after->set("media_type", m.media_type);
    after->set("size", m.size);
    after->set("sha256", m.sha256);
    records::AuditLog(db, svc_.principal())
        .append({actor, "briefing.material_added", subject_of(campaign), std::nullopt, std::nullopt,
                 api::to_string(after)});
    tx.commit();
    return 0;
  });
  return m;
}

std::vector<BriefingMaterial> BriefingService::materials(long long campaign) {
  auto rows = svc_.with_db([&](store::Database& db) {
    require_briefing(db, campaign);
    return select_rows(db,
                       "SELECT id, filename, media_type, size_bytes, sha256, added_at, added_by "
                       "FROM briefing_materials WHERE campaign_id = :a ORDER BY id",
                       {campaign}, 7);
  });
  std::vector<BriefingMaterial> out;
  for (const auto& r : rows) {
    BriefingMaterial m;
    m.id = std::stoll(*r[0]);
    m.campaign_id = campaign;
    m.filename = *r[1];
    m.media_type = *r[2];
    m.size = std::stoll(*r[3]);
    m.sha256 = *r[4];
    m.added_at = *r[5];
    m.added_by = *r[6];
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<BriefingMaterial> BriefingService::download(long long campaign, long long id, const std::string& actor,
                                                          const std::string& vendor_code) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  return svc_.with_db([&](store::Database& db) -> std::optional<BriefingMaterial> {
    store::WriteTransaction tx(db);
    auto rows = select_rows(db,
                            "SELECT filename, media_type, size_bytes, sha256, added_at, added_by, content_base64 "
                            "FROM briefing_materials WHERE campaign_id = :a AND id = :b",
                            {campaign, id}, 7);
    if (rows.empty()) return std::nullopt;
    BriefingMaterial m;
    m.id = id;
    m.campaign_id = campaign;
    m.filename = *rows[0][0];
    m.media_type = *rows[0][1];
    m.size = std::stoll(*rows[0][2]);
    m.sha256 = *rows[0][3];
    m.added_at = *rows[0][4];
    m.added_by = *rows[0][5];
    auto bytes = base64_decode(rows[0][6].value_or(""));
    if (!bytes || static_cast<long long>(bytes->size()) != m.size || sha256_hex(*bytes) != m.sha256)
      throw std::runtime_error("briefing material " + std::to_string(id) +
                               ": the stored bytes no longer match their SHA-256");
    m.content = std::move(*bytes);
    auto after = obj();
    after->set("material", id);
    after->set("sha256", m.sha256);
    records::AuditLog(db, svc_.principal())
        .append({actor, "briefing.material_downloaded", subject_of(campaign),
                 vendor_code.empty() ? std::nullopt : std::optional<std::string>(vendor_code), std::nullopt,
                 api::to_string(after)});
    tx.commit();
    return m;
  });
}

}  // namespace hoshi
