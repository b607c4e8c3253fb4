#include "service/supplier_initiated.hpp"

#include "core/error.hpp"
#include "domain/request_model.hpp"
#include "service/op_errors.hpp"
#include "service/request_common.hpp"
#include "service/request_scope.hpp"
#include "service/requests.hpp"
#include "store/audit_log.hpp"
#include "store/request_store.hpp"
#include "store/standing_links.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Object;

std::string InitiatedService::open(const std::string& vendor_code, Object::Ptr step_body, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const model::Origin origin = model::Origin::supplier;
  const model::Step first = *model::first_step(origin);
  StepInput in{model::code(model::Side::supplier), model::code(first), step_body, {}};
  validate_step(in);
  const Catalogs& cat = svc_.catalogs();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    auto supplier = store::SupplierRepository(db).find(vendor_code);
    if (!supplier) throw Error(Code::notfound, "no supplier " + vendor_code);
    // one open ask of its own per supplier: a second (a form sent twice, a second tab) would
    // be a duplicate the buyer must answer and nobody could close
    for (const auto& other : records::RequestStore(db).for_supplier(vendor_code))
      if (other.origin == model::code(origin) && model::is_open(model::stored_state(other.state)))
        throw StateConflict("貴社からの価格協議の申入れ " + other.number +
                            " が協議中です。追加のご説明は、その申入れのページからお送りください。");
    const std::string now = records::audit_now();
    auto body = obj();
    body->set("origin", model::code(origin));
    body->set("supplier", vendor_code);
    body->set("supplier_name", supplier->name.value_or(""));
    body->set("supplier_contact", supplier->contact.value_or(""));
    body->set("supplier_corporate_number", supplier->corporate_number.value_or(""));
    body->set("buyer", detail::buyer_json(cat.policy.buyer));
    body->set("opened_on", svc_.today().iso());
    body->set("scope", detail::scope_record(cat.policy.scope, *supplier));
    body->set("retention_years", cat.policy.retention.requests_years);
    body->set("retention_agreements_years", cat.policy.retention.agreements_years);

    records::RequestStore rs(db);
    records::RequestRecord r;
    r.number = rs.next_number(cat.policy.requests.number_prefix, svc_.today().year);
    r.vendor_code = vendor_code;
    r.origin = model::code(origin);
    r.state = model::code(model::initial_state(origin));
    r.body = detail::json(body);
    r.guardrails = "{}";
    r.created_at = now;
    r.created_by = actor;
    r.last_step_at = now;
    rs.insert(r);
    rs.transition(r.number, {std::nullopt, r.state, now, actor, "supplier", std::nullopt});
    records::AuditLog audit(db, svc_.principal());
    auto after = obj();
    after->set("request", body);
    after->set("state", r.state);
    audit.append({actor, "request.initiated", r.number, vendor_code, std::nullopt, detail::json(after)});
    const long long no = rs.add_step(r.number, {0, in.side, in.kind, now, actor, detail::json(step_body)});
    auto step = obj();
    step->set("step", no);
    step->set("side", in.side);
    step->set("kind", in.kind);
    step->set("body", step_body);
    audit.append({actor, "negotiation." + in.kind, r.number, vendor_code, std::nullopt, detail::json(step)});
    tx.commit();
    return r.number;
  });
}

Object::Ptr op_standing_link(Service& svc, const Object::Ptr& req) {
  const std::string vendor = api::str_arg(req, "vendor_code", true);
  const std::string actor = actor_arg(req);
  const long long days =
      api::int_arg(req, "days", 1, records::StandingLinks::kMaxDays).value_or(records::StandingLinks::kDefaultDays);
  return api::run([&] {
    const std::string token = svc.with_db([&](store::Database& db) {
      return records::StandingLinks(db, svc.principal()).create(vendor, static_cast<int>(days), actor);
    });
    auto o = obj();
    o->set("vendor_code", vendor);
    o->set("path", "/s/" + token);
    o->set("days", days);
    return o;
  });
}

Object::Ptr op_standing_link_revoke(Service& svc, const Object::Ptr& req) {
  const std::string vendor = api::str_arg(req, "vendor_code", true);
  const std::string actor = actor_arg(req);
  return api::run([&] {
    const bool done = svc.with_db(
        [&](store::Database& db) { return records::StandingLinks(db, svc.principal()).revoke(vendor, actor); });
    auto o = obj();
    o->set("vendor_code", vendor);
    o->set("revoked", done);
    return o;
  });
}

Object::Ptr op_standing_link_show(Service& svc, const Object::Ptr& req) {
  const std::string vendor = api::str_arg(req, "vendor_code", true);
  return api::run([&] {
    auto cur = svc.with_db([&](store::Database& db) {
      if (!store::SupplierRepository(db).find(vendor)) throw Error(Code::notfound, "no supplier " + vendor);
      return records::StandingLinks(db).current(vendor);
    });
    auto o = obj();
    o->set("vendor_code", vendor);
    if (cur) {
      auto l = obj();
      l->set("id", cur->token_id);
      l->set("state", cur->state == records::StandingLink::State::live ? "live" : "expired");
      l->set("created_at", cur->created_at);
      l->set("expires_at", cur->expires_at);
      o->set("link", l);
    } else {
      o->set("link", Poco::Dynamic::Var());
    }
    return o;
  });
}

}  // namespace hoshi
