// Negotiation steps and the written agreement drawn from them.
#include <Poco/JSON/Parser.h>

#include "core/sha256.hpp"
#include "records/audit_log.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/requests.hpp"
#include "records/webhook_queue.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::AuditLog;
using records::RequestStore;

using detail::json;
using detail::parse_obj;

namespace {
// terms → the agreement template's context; throws ApiError naming a bad term.
Object::Ptr agreement_context(const std::string& number, const Object::Ptr& request, const Object::Ptr& terms,
                              const Catalogs& cat, const Date& today) {
  api::only_keys(terms, "terms",
                 {"measures", "sharing", "buyer_share_percent", "initial_cost", "running_cost", "buyer_amount",
                  "buyer_running_amount", "price_revision", "notes"});
  constexpr long long kMax = 1'000'000'000'000LL;
  auto ctx = obj();
  ctx->set("number", number);
  ctx->set("agreed_on_wareki", today.wareki());
  ctx->set("agreed_on_iso", today.iso());
  ctx->set("buyer", request->getObject("buyer"));
  auto supplier = obj();
  supplier->set("name", request->optValue<std::string>("supplier_name", ""));
  supplier->set("vendor_code", request->optValue<std::string>("supplier", ""));
  const std::string cn = request->optValue<std::string>("supplier_corporate_number", "");
  if (!cn.empty()) supplier->set("corporate_number", cn);
  ctx->set("supplier", supplier);
  const std::string level = request->optValue<std::string>("level", "");
  ctx->set("level_label", records::level_label(level));
  Date due;
  parse_iso_date(request->optValue<std::string>("due", ""), due);
  ctx->set("due_wareki", due.wareki());
  ctx->set("due_iso", due.iso());
  std::string measures = api::str_arg(terms, "measures", false);
  if (measures.empty()) measures = records::level_label(level) + " の要求事項への対応";
  ctx->set("measures", measures);
  detail::add_items_context(ctx, request, cat);
  const std::string sharing = api::str_arg(terms, "sharing", true);
  ctx->set("sharing", sharing);
  if (auto p = api::int_arg(terms, "buyer_share_percent", 0, 100, "terms."))
    ctx->set("buyer_share_percent", std::to_string(*p));
  for (const char* k : {"initial_cost", "running_cost", "buyer_amount", "buyer_running_amount"})
    if (auto v = api::int_arg(terms, k, 0, kMax, "terms.")) ctx->set(k, records::yen(*v));
  if (Object::Ptr pr = api::sub(terms, "price_revision")) {
    api::only_keys(pr, "terms.price_revision", {"date", "description", "contracts"});
    Date d;
    std::string why;
    if (!parse_date(api::str_arg(pr, "date", true), d, why))
      throw api::ApiError(HOSHITORI_INVALID, "\"terms.price_revision.date\": " + why);
    auto o = obj();
    o->set("date_wareki", d.wareki());
    o->set("date_iso", d.iso());
    if (std::string d2 = api::str_arg(pr, "description", false); !d2.empty()) o->set("description", d2);
    Array::Ptr contracts = new Array;
    for (const auto& c : api::str_list_arg(pr, "contracts", "terms.price_revision.")) contracts->add(c);
    o->set("contracts", contracts);
    o->set("has_contracts", contracts->size() > 0);
    ctx->set("price_revision", o);
  }
  const std::string notes = api::str_arg(terms, "notes", false);
  if (!notes.empty()) ctx->set("notes", notes);
  ctx->set("retention_years", std::to_string(cat.policy.retention.agreements_years));  // an agreement's period
  return ctx;
}
}  // namespace

namespace detail {
void add_items_context(Object::Ptr& ctx, const Object::Ptr& body, const Catalogs& cat) {
  Array::Ptr items = new Array;
  if (Array::Ptr nos = body->getArray("items"))
    for (std::size_t i = 0; i < nos->size(); ++i) {
      const std::string no = nos->get(static_cast<unsigned>(i)).convert<std::string>();
      for (const auto& r : cat.scs.requirements)
        if (r.no == no) {
          auto e = obj();
          e->set("no", r.no);
          e->set("title", r.title);
          const int major = r.no.empty() ? 0 : r.no[0] - '0';
          auto c = cat.scs.categories.find(major);
          e->set("category", c == cat.scs.categories.end() ? std::string() : c->second);
          items->add(e);
        }
    }
  ctx->set("items", items);
  ctx->set("has_items", items->size() > 0);
}

}  // namespace detail

StepResult RequestService::step(const std::string& number, const StepInput& in, const std::string& actor) {
  if (actor.empty()) throw std::invalid_argument("actor: the acting user is required");
  validate_step(in);
  const Catalogs& cat = svc_.catalogs();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw std::out_of_range("no request " + number);
    if (r->state == "draft") throw StateConflict("request " + number + " is a draft: issue it first");
    // After a decline the buyer may still answer it (a message or better terms), which is
    // what the no-pressing-after-refusal rule asks for before a new request; the
    // request stays declined.
    const bool answers_decline = r->state == "declined" && in.side == "buyer" &&
                                 (in.kind == "message" || in.kind == "proposal" || in.kind == "counter_proposal");
    if (is_final_request_state(r->state) && !answers_decline)
      throw StateConflict("request " + number + " is " + r->state + ": no further steps can be recorded" +
                          (r->state == "declined" ? " (the buyer may still answer the decline with a message or "
                                                    "proposal)"
                                                  : ""));
    AuditLog audit(db, svc_.principal());
    Object::Ptr guard;
    if (in.kind == "price_decision") {
      records::GuardContext ctx;
      ctx.today = svc_.today();
      ctx.unanswered_step = detail::unanswered_step(rs.steps(number));
      auto outcome = records::check_price_decision(cat.guardrails, cat.policy.requests, in.overrides, ctx, actor);
      guard = guard_json(outcome);
      if (outcome.refused()) {
        auto after = obj();
        after->set("step", in.body);
        after->set("guardrails", guard);
        audit.append({actor, "price_decision.refused", number, r->vendor_code, std::nullopt, json(after)});
        tx.commit();
        throw GuardrailRefusal("refused by guardrail: no-unilateral-price", outcome);
      }
    }
    StepResult res;
    Object::Ptr body = in.body;
    if (guard) body->set("guardrails", guard);
    const std::string now = records::audit_now();
    if (in.kind == "agreement") {
      Object::Ptr request = parse_obj(r->body);
      Object::Ptr ctx = agreement_context(number, request, body->getObject("terms"), cat, svc_.today());
      // the version is part of the document, so two versions never share a hash
      ctx->set("version", std::to_string(rs.agreements(number, false).size() + 1));
      records::AgreementRecord a;
      a.document = templates_.render("ja", "agreement", "txt", ctx);
      a.sha256 = sha256_hex(a.document);
      a.terms = json(body->getObject("terms"));
      a.created_at = now;
      a.created_by = actor;
      res.agreement_version = rs.add_agreement(number, a);
      res.agreement_sha256 = a.sha256;
      body->set("agreement_version", *res.agreement_version);
      body->set("agreement_sha256", a.sha256);
    }
    res.step = rs.add_step(number, {0, in.side, in.kind, now, actor, json(body)});
    auto after = obj();
    after->set("step", res.step);
    after->set("side", in.side);
    after->set("kind", in.kind);
    after->set("body", body);
    audit.append({actor, "negotiation." + in.kind, number, r->vendor_code, std::nullopt, json(after)});

    std::string to;
    if (in.kind == "acknowledge" && r->state == "issued") to = "acknowledged";
    if (in.kind == "decline") to = "declined";
    if (in.kind == "withdraw") to = "withdrawn";
    if (!answers_decline && (r->state == "issued" || r->state == "acknowledged") &&
        (in.kind == "estimate" || in.kind == "negotiation_request" || in.kind == "proposal" ||
         in.kind == "counter_proposal" || in.kind == "price_decision" || in.kind == "agreement"))
      to = "negotiating";
    res.state = r->state;
    if (!to.empty()) {
      std::optional<std::string> reason;
      if (body->has("reason")) reason = body->getValue<std::string>("reason");
      rs.transition(number, {r->state, to, now, actor, in.side, reason});
      auto from_doc = obj();
      from_doc->set("state", r->state);
      auto to_doc = obj();
      to_doc->set("state", to);
      audit.append({actor, "request." + to, number, r->vendor_code, json(from_doc), json(to_doc)});
      if (r->state == "issued" && (to == "acknowledged" || to == "declined" || to == "negotiating")) {
        auto data = obj();
        data->set("request", number);
        data->set("vendor_code", r->vendor_code);
        data->set("answer", to);
        data->set("step", in.kind);
        data->set("side", in.side);
        data->set("at", now);
        records::enqueue_webhook_events(db, {{"request.answered", r->vendor_code, data}});
      }
      res.state = to;
    }
    tx.commit();
    return res;
  });
}

records::AgreementRecord RequestService::agreement(const std::string& number, std::optional<long long> version) {
  return svc_.with_db([&](store::Database& db) {
    RequestStore rs(db);
    if (!rs.find(number)) throw std::out_of_range("no request " + number);
    auto all = rs.agreements(number, true);
    if (all.empty()) throw std::out_of_range("request " + number + " has no agreement document yet");
    if (!version) return all.back();
    for (auto& a : all)
      if (a.version == *version) return a;
    throw std::out_of_range("request " + number + " has no agreement version " + std::to_string(*version));
  });
}

}  // namespace hoshi
