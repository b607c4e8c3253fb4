#include "service/briefing.hpp"

#include <map>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/evidence.hpp"
#include "core/sha256.hpp"
#include "service/json_args.hpp"
#include "store/audit_log.hpp"
#include "store/campaign_repository.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

namespace {

std::string subject_of(long long campaign) { return "campaign:" + std::to_string(campaign); }

// The campaign's title; throws unless it is a briefing that has been sent (queued).
std::string require_briefing(store::Database& db, long long campaign) {
  auto c = records::Campaigns(db).find(campaign);
  if (!c) throw Error(Code::notfound, "no campaign " + std::to_string(campaign));
  if (c->kind != "briefing")
    throw Error(Code::invalid, "campaign: " + std::to_string(campaign) + " is not a briefing (it is a " + c->kind +
                                " campaign)");
  return c->title;
}

}  // namespace

long long BriefingService::answer(long long campaign, const std::string& vendor_code, const briefing::AnswerInput& in,
                                  const std::string& via, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  if (in.answer != "attend" && in.answer != "absent") throw Error(Code::invalid, "answer: must be attend or absent");
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db, store::WriteTransaction::Mode::serialize);
    require_briefing(db, campaign);
    if (!records::CampaignRecipients(db).invited(campaign, vendor_code))
      throw Error(Code::invalid, "vendor_code: " + vendor_code + " was not invited by campaign " +
                                  std::to_string(campaign) + " (or the campaign is not sent yet)");
    BriefingAnswerRecord a;
    a.vendor_code = vendor_code;
    a.answer = in.answer;
    a.attendees = in.attendees;
    a.note = in.note;
    a.via = via;
    a.recorded_at = records::audit_now();
    a.recorded_by = actor;
    const long long id = records::BriefingAnswers(db).add(campaign, a);
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
  return svc_.with_db([&](store::Database& db) { return records::BriefingAnswers(db).of(campaign, vendor_code); });
}

Object::Ptr BriefingService::attendance(long long campaign) {
  std::string title;
  std::vector<std::pair<std::string, std::string>> invited;  // vendor code, name
  std::vector<BriefingAnswerRecord> answers;
  svc_.with_db([&](store::Database& db) {
    title = require_briefing(db, campaign);
    invited = records::CampaignRecipients(db).invited_suppliers(campaign);
    answers = records::BriefingAnswers(db).of(campaign);
    return 0;
  });
  std::map<std::string, std::pair<BriefingAnswerRecord, long long>> latest;  // the last answer, how many
  for (auto& a : answers) {
    auto& slot = latest[a.vendor_code];
    slot.first = std::move(a);
    ++slot.second;
  }
  long long attend = 0, absent = 0, unanswered = 0, people = 0;
  Array::Ptr list = new Array;
  for (const auto& [code, name] : invited) {
    auto e = obj();
    e->set("vendor_code", code);
    e->set("name", name);
    auto it = latest.find(code);
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
    records::BriefingMaterials materials(db);
    if (materials.count(campaign) >= kMaxMaterials)
      throw Error(Code::invalid, "campaign: " + std::to_string(campaign) + " has " + std::to_string(kMaxMaterials) +
                                  " materials already (the most one briefing takes)");
    m.added_at = records::audit_now();
    m.id = materials.add(m, base64_encode(content));
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
  return svc_.with_db([&](store::Database& db) {
    require_briefing(db, campaign);
    return records::BriefingMaterials(db).of(campaign);
  });
}

std::optional<BriefingMaterial> BriefingService::download(long long campaign, long long id, const std::string& actor,
                                                          const std::string& vendor_code) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  return svc_.with_db([&](store::Database& db) -> std::optional<BriefingMaterial> {
    store::WriteTransaction tx(db);
    auto found = records::BriefingMaterials(db).find(campaign, id);
    if (!found) return std::nullopt;
    BriefingMaterial m = std::move(found->first);
    auto bytes = base64_decode(found->second);
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
