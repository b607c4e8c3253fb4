// Reading requests back: the full record, lists, and the letter.
#include "core/date.hpp"
#include "core/error.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/request_scope.hpp"
#include "service/requests.hpp"
#include "service/supplier_evidence.hpp"
#include "store/evidence_store.hpp"

namespace hoshi {

using api::obj;
using detail::parse_obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::RequestStore;

namespace {
constexpr const char* kSubsidy =
    "デジタル化・AI導入補助金（旧IT導入補助金）のセキュリティ対策推進枠により、お助け隊サービスの利用料（最大2年分）の"
    "1/2（小規模事業者は2/3）、5万円〜150万円の補助を受けられます。";
constexpr const char* kKakekomi =
    "取引に関するご相談は、全国47都道府県の「取引かけこみ寺」（無料、弁護士への相談も可能）でも受け付けています。"
    "本要請に伴う費用について、当社以外の取引先と協議される際にもご利用いただけます。";

Object::Ptr summary(const records::RequestRecord& r) {
  auto o = obj();
  o->set("number", r.number);
  o->set("supplier", r.vendor_code);
  o->set("level", r.level);
  o->set("level_label", records::level_label(r.level));
  o->set("origin", r.origin);  // buyer: a 対策要請; supplier: the supplier's own 価格協議の申入れ
  o->set("origin_label", std::string(model::label_ja(model::stored_origin(r.origin))));
  o->set("state", r.state);
  o->set("due", r.due);
  o->set("created_at", r.created_at);
  o->set("created_by", r.created_by);
  o->set("issued_at", api::opt(r.issued_at));
  o->set("last_step_at", r.last_step_at);
  return o;
}
}  // namespace

Object::Ptr RequestService::show(const std::string& number) {
  return svc_.with_db([&](store::Database& db) {
    RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    Object::Ptr o = summary(*r);
    o->set("request", parse_obj(r->body));
    o->set("guardrails", parse_obj(r->guardrails));
    Array::Ptr transitions = new Array;
    for (const auto& t : rs.transitions(number)) {
      auto e = obj();
      e->set("from", api::opt(t.from_state));
      e->set("to", t.to_state);
      e->set("at", t.at);
      e->set("actor", t.actor);
      e->set("side", t.side);
      e->set("reason", api::opt(t.reason));
      transitions->add(e);
    }
    o->set("transitions", transitions);
    Array::Ptr steps = new Array;
    for (const auto& s : rs.steps(number)) {
      auto e = obj();
      e->set("step", s.step);
      e->set("side", s.side);
      e->set("kind", s.kind);
      e->set("at", s.at);
      e->set("actor", s.actor);
      e->set("body", parse_obj(s.body));
      steps->add(e);
    }
    o->set("steps", steps);
    const auto confirmations = rs.confirmations(number);
    Array::Ptr agreements = new Array;
    for (const auto& a : rs.agreements(number, false)) {
      auto e = obj();
      e->set("version", a.version);
      e->set("sha256", a.sha256);
      e->set("created_at", a.created_at);
      e->set("created_by", a.created_by);
      e->set("terms", parse_obj(a.terms));
      Array::Ptr confirmed = new Array;
      for (const auto& c : confirmations) {
        if (c.version != a.version) continue;
        auto ce = obj();
        ce->set("side", c.side);
        ce->set("actor", c.actor);
        ce->set("at", c.at);
        ce->set("method", c.method);
        ce->set("sha256", c.sha256);
        confirmed->add(ce);
      }
      e->set("confirmations", confirmed);
      agreements->add(e);
    }
    o->set("agreements", agreements);
    const auto ask = model::open_ask(detail::thread_of(rs.steps(number)));
    o->set("unanswered_supplier_step", ask ? model::describe(*ask) : std::string());
    if (ask) {
      // what a buyer's answer must address: the step, and the cost items of its figures
      auto a = obj();
      a->set("step", ask->no);
      a->set("kind", model::code(ask->kind));
      a->set("figures_step", ask->figures_step ? Poco::Dynamic::Var(*ask->figures_step) : Poco::Dynamic::Var());
      Array::Ptr items = new Array;
      for (const auto& k : ask->cost_items) items->add(k);
      a->set("cost_items", items);
      o->set("open_ask", a);
    } else {
      o->set("open_ask", Poco::Dynamic::Var());
    }
    // the supplier's self-check: the latest answer to each item it answered
    Array::Ptr self_check = new Array;
    for (const auto& c : records::EvidenceStore(db).latest_self_check(number)) self_check->add(self_check_json(c));
    o->set("self_check", self_check);
    return o;
  });
}

Object::Ptr RequestService::list(const std::optional<std::string>& vendor_code) {
  return svc_.with_db([&](store::Database& db) {
    Array::Ptr items = new Array;
    if (vendor_code) {
      for (const auto& r : RequestStore(db).for_supplier(*vendor_code)) items->add(summary(r));
    } else {
      RequestStore rs(db);
      for (const auto& number : rs.numbers()) items->add(summary(*rs.find(number)));
    }
    auto o = obj();
    o->set("requests", items);
    o->set("count", items->size());
    return o;
  });
}

std::string RequestService::letter(const std::string& number, const std::string& format, const std::string& lang) {
  if (lang != "ja" && lang != "en") throw Error(Code::invalid, "lang must be ja or en, not " + lang);
  auto r = svc_.with_db([&](store::Database& db) { return RequestStore(db).find(number); });
  if (!r) throw Error(Code::notfound, "no request " + number);
  // a letter states the buyer's request: a negotiation the supplier started has none
  if (model::stored_origin(r->origin) == model::Origin::supplier)
    throw Error(Code::invalid, number +
                                   " is a price negotiation the supplier asked for (取引先からの価格協議の申入れ): "
                                   "the buyer made no request, so there is no request letter");
  return templates_.render(lang, "request_letter", format, letter_context_of(*r));
}

Object::Ptr RequestService::letter_context(const std::string& number) {
  auto r = svc_.with_db([&](store::Database& db) { return RequestStore(db).find(number); });
  if (!r) throw Error(Code::notfound, "no request " + number);
  return letter_context_of(*r);
}

Object::Ptr RequestService::letter_context_of(const records::RequestRecord& rec) const {
  const Catalogs& cat = svc_.catalogs();
  const records::RequestRecord* r = &rec;
  Object::Ptr body = parse_obj(r->body);
  auto ctx = obj();
  ctx->set("number", r->number);
  Date issued;
  if (parse_iso_date(body->optValue<std::string>("issued_on", ""), issued)) {
    ctx->set("issued_on_wareki", issued.wareki());
    ctx->set("issued_on_iso", issued.iso());
  } else {
    ctx->set("issued_on_wareki", std::string("（未発行の下書き）"));
    ctx->set("issued_on_iso", std::string("(draft, not issued)"));
  }
  ctx->set("buyer", body->getObject("buyer"));
  auto supplier = obj();
  supplier->set("name", body->optValue<std::string>("supplier_name", ""));
  supplier->set("vendor_code", r->vendor_code);
  const std::string contact = body->optValue<std::string>("supplier_contact", "");
  if (!contact.empty()) supplier->set("contact", contact);
  ctx->set("supplier", supplier);
  ctx->set("level_label", records::level_label(r->level));
  ctx->set("level_is_scs", r->level != "sa2");
  ctx->set("level_is_sa", r->level == "sa2");
  ctx->set("chart_reason", body->optValue<std::string>("chart_reason", ""));
  for (const char* k : {"reason", "necessity"}) {
    const std::string v = body->optValue<std::string>(k, "");
    if (!v.empty()) ctx->set(k, v);
  }
  Date due;
  parse_iso_date(r->due, due);
  ctx->set("due_wareki", due.wareki());
  ctx->set("due_iso", due.iso());
  detail::add_items_context(ctx, body, cat);
  if (Object::Ptr cs = body->getObject("cost_sharing")) ctx->set("cost_sharing", cs);
  if (body->has("designated_service") && !body->isNull("designated_service")) {
    auto d = obj();
    d->set("name", body->getValue<std::string>("designated_service"));
    d->set("mandatory", body->optValue<bool>("designated_service_mandatory", false));
    ctx->set("designated_service", d);
  }
  Array::Ptr help = new Array;
  for (const auto& s : cat.otasuketai.services) {
    auto e = obj();
    e->set("name", s.name);
    e->set("provider", s.provider);
    e->set("region", s.region);
    help->add(e);
  }
  ctx->set("help_services", help);
  ctx->set("has_help_services", help->size() > 0);
  ctx->set("subsidy", std::string(kSubsidy));
  ctx->set("kakekomi", std::string(kKakekomi));
  ctx->set("retention_years",
           std::to_string(body->optValue<int>("retention_years", cat.policy.retention.requests_years)));
  // a letter issued before retention per kind stated one period for everything: it reads as issued
  if (body->has("retention_agreements_years"))
    ctx->set("retention_agreements_years", std::to_string(body->getValue<int>("retention_agreements_years")));
  if (Object::Ptr renewal = body->getObject("renewal")) ctx->set("renewal", renewal);
  detail::add_scope_context(*ctx, *body);
  if (Array::Ptr ov = body->getArray("overrides"); ov && ov->size() > 0) ctx->set("overrides", ov);
  return ctx;
}

}  // namespace hoshi
