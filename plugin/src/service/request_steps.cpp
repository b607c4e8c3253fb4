// Negotiation steps and the written agreement drawn from them.
#include <Poco/JSON/Parser.h>

#include "core/sha256.hpp"
#include "records/audit_log.hpp"
#include "records/webhook_queue.hpp"
#include "service/agreement_text.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/requests.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::AuditLog;
using records::RequestStore;

using detail::json;
using detail::parse_obj;

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
      const agreement::Draft draft{in.side, body->optValue<std::string>("message", "")};
      Object::Ptr ctx =
          agreement::context(number, request, body->getObject("terms"), rs.steps(number), draft, cat, svc_.today());
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
