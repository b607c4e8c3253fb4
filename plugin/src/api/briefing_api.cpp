// The briefing JSON ops (hoshitori_query_json, the CLI): attendance answers recorded by
// staff and read back, the materials shown, and a supplier's briefing link.
//   briefing_answer         {campaign, vendor_code, answer, attendees?, note?, channel, actor}
//   briefing_attendance     {campaign}
//   briefing_material_add   {campaign, filename, content_base64, actor}
//   briefing_materials      {campaign}
//   briefing_material       {campaign, id, actor?}  → the metadata and content_base64
//   briefing_link           {campaign, vendor_code, days?, actor}  → token
#include "api/json_api.hpp"
#include "api/op_table.hpp"
#include "core/base64.hpp"
#include "service/briefing.hpp"
#include "service/json_args.hpp"
#include "service/op_errors.hpp"
#include "store/briefing_links.hpp"

namespace hoshi::api {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

long long campaign_of(const Object::Ptr& req) {
  auto id = api::int_arg(req, "campaign", 1, LLONG_MAX);
  if (!id) throw Error(Code::invalid, "\"campaign\" is required (a campaign id)");
  return *id;
}

// A JSON value given as a string or a whole number, as text ("" when absent).
std::string loose_text(const Object::Ptr& req, const std::string& key) {
  if (!req->has(key) || req->isNull(key)) return "";
  const Poco::Dynamic::Var v = req->get(key);
  if (v.isString()) return v.extract<std::string>();
  if (v.isInteger()) return v.convert<std::string>();
  throw Error(Code::invalid, "\"" + key + "\" must be a whole number");
}

Object::Ptr material_json(const BriefingMaterial& m) {
  auto o = obj();
  o->set("id", m.id);
  o->set("campaign", m.campaign_id);
  o->set("filename", m.filename);
  o->set("media_type", m.media_type);
  o->set("size", m.size);
  o->set("sha256", m.sha256);
  o->set("added_at", m.added_at);
  o->set("added_by", m.added_by);
  return o;
}

// The handlers of the rows below (briefing_ops).
struct Briefings {
  static Object::Ptr briefing_answer(Service& svc, const Object::Ptr& req) {
    BriefingService bs(svc);
    const std::string actor = actor_arg(req);
    const long long campaign = campaign_of(req);
    const std::string code = api::str_arg(req, "vendor_code", true);
    return api::run([&] {
      // each field checked before anything is written; the error names the field
      const briefing::AnswerInput in = briefing::parse_answer(
          api::str_arg(req, "answer", false), loose_text(req, "attendees"), api::str_arg(req, "note", false));
      const std::string via = briefing::staff_via(api::str_arg(req, "channel", false));
      auto o = obj();
      o->set("id", bs.answer(campaign, code, in, via, actor));
      o->set("campaign", campaign);
      o->set("vendor_code", code);
      o->set("answer", in.answer);
      o->set("answer_word", std::string(briefing::answer_word(in.answer)));
      o->set("via", via);
      return o;
    });
  }

  static Object::Ptr briefing_attendance(Service& svc, const Object::Ptr& req) {
    BriefingService bs(svc);
    const long long campaign = campaign_of(req);
    return api::run([&] { return bs.attendance(campaign); });
  }

  static Object::Ptr briefing_material_add(Service& svc, const Object::Ptr& req) {
    BriefingService bs(svc);
    const std::string actor = actor_arg(req);
    const long long campaign = campaign_of(req);
    const std::string name = api::str_arg(req, "filename", true);
    auto bytes = base64_decode(api::str_arg(req, "content_base64", true));
    if (!bytes) throw Error(Code::invalid, "\"content_base64\" is not base64");
    return api::run([&] { return material_json(bs.add_material(campaign, name, *bytes, actor)); });
  }

  static Object::Ptr briefing_materials(Service& svc, const Object::Ptr& req) {
    BriefingService bs(svc);
    const long long campaign = campaign_of(req);
    return api::run([&] {
      Array::Ptr list = new Array;
      for (const auto& m : bs.materials(campaign)) list->add(material_json(m));
      auto o = obj();
      o->set("campaign", campaign);
      o->set("materials", list);
      return o;
    });
  }

  static Object::Ptr briefing_material(Service& svc, const Object::Ptr& req) {
    BriefingService bs(svc);
    const long long campaign = campaign_of(req);
    const auto id = api::int_arg(req, "id", 1, LLONG_MAX);
    if (!id) throw Error(Code::invalid, "\"id\" is required (a material id)");
    std::string actor = api::str_arg(req, "actor", false);
    if (actor.empty()) actor = svc.principal();
    if (actor.empty()) actor = "host";
    return api::run([&] {
      auto m = bs.download(campaign, *id, actor);
      if (!m)
        throw Error(Code::notfound, "no material " + std::to_string(*id) + " in campaign " + std::to_string(campaign));
      auto o = material_json(*m);
      o->set("content_base64", base64_encode(m->content));
      return o;
    });
  }

  static Object::Ptr briefing_link(Service& svc, const Object::Ptr& req) {
    const std::string actor = actor_arg(req);
    const long long campaign = campaign_of(req);
    const std::string code = api::str_arg(req, "vendor_code", true);
    const int days = static_cast<int>(api::int_arg(req, "days", 1, 730).value_or(svc.catalogs().policy.mail.link_days));
    return api::run([&] {
      const std::string token = svc.with_repos<records::BriefingLinks>(
          [&](records::BriefingLinks& links) { return links.create(campaign, code, days, actor); });
      auto o = obj();
      o->set("campaign", campaign);
      o->set("vendor_code", code);
      o->set("token", token);
      o->set("path", "/s/" + token);
      return o;
    });
  }
};

}  // namespace

std::vector<OpDef> briefing_ops() {
  using records::Role;
  const auto S = ArgType::string, I = ArgType::integer;
  // clang-format off
  return {
    {"briefing_answer", "a supplier's attendance answer, recorded by staff",
     {{"campaign", I, true}, {"vendor_code", S, true}, {"answer", S, true}, {"attendees", ArgType::text_or_integer},
     {"note", S}, {"channel", S}, {"actor", S, true}}, Access::writes, Role::buyer, Briefings::briefing_answer,
     {}},
    {"briefing_attendance", "the campaign's attendance answers",
     {{"campaign", I, true}}, Access::reads, Role::viewer, Briefings::briefing_attendance, {}},
    {"briefing_material_add", "adds a material to the briefing",
     {{"campaign", I, true}, {"filename", S, true}, {"content_base64", S, true}, {"actor", S, true}},
     Access::writes, Role::buyer, Briefings::briefing_material_add,
     {}},
    {"briefing_materials", "the briefing's materials",
     {{"campaign", I, true}}, Access::reads, Role::viewer, Briefings::briefing_materials, {}},
    {"briefing_material", "one material with its bytes (the download recorded)",
     {{"campaign", I, true}, {"id", I, true}, {"actor", S}}, Access::reads, Role::viewer, Briefings::briefing_material, {}},
    {"briefing_link", "a supplier's briefing link",
     {{"campaign", I, true}, {"vendor_code", S, true}, {"days", I}, {"actor", S, true}},
     Access::writes, Role::buyer, Briefings::briefing_link,
     {}},
  };
  // clang-format on
}

}  // namespace hoshi::api
