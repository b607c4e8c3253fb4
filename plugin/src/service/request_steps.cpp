// Negotiation steps and the written agreement drawn from them.
#include <Poco/JSON/Parser.h>

#include "core/error.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "domain/request_model.hpp"
#include "service/agreement_text.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/requests.hpp"
#include "store/audit_log.hpp"
#include "store/webhook_queue.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::AuditLog;
using records::RequestStore;

using detail::json;
using detail::parse_obj;

constexpr std::size_t kMinItemReasonChars = 5;
constexpr std::size_t kMinRejectReasonChars = 10;

namespace detail {
std::vector<model::ThreadStep> thread_of(const std::vector<records::StepRecord>& steps) {
  std::vector<model::ThreadStep> out;
  out.reserve(steps.size());
  for (const auto& r : steps) {
    model::ThreadStep t;
    t.no = r.step;
    t.at = r.at;
    auto side = model::parse_side(r.side);
    auto kind = model::parse_step(r.kind);
    if (!side || !kind)
      throw std::logic_error("stored step " + std::to_string(r.step) + " has an unknown side or kind (\"" + r.side +
                             "\", \"" + r.kind + "\"): corrupt record");
    t.side = *side;
    t.kind = *kind;
    Object::Ptr body = parse_obj(r.body);
    for (const auto& k : model::cost_keys())
      if (body->has(k) && !body->isNull(k)) t.cost_items.push_back(k);
    t.cost_items = model::reasoned_items(t.cost_items);
    t.by_staff = body->optValue<bool>("recorded_by_staff", false);
    t.has_basis = body->has("basis") && !body->isNull("basis") && !body->getValue<std::string>("basis").empty();
    out.push_back(std::move(t));
  }
  return out;
}

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

namespace {
// What a buyer's accept takes: the figures of the supplier's step it accepts.
Object::Ptr accepted_figures(const records::StepRecord& step) {
  Object::Ptr from = parse_obj(step.body);
  auto out = obj();
  for (const auto& k : model::cost_keys())
    if (from->has(k) && !from->isNull(k)) out->set(k, from->get(k));
  return out;
}

// A buyer's reject answers the open ask only with a reason for each of its cost items.
void check_reasons(const Object::Ptr& body, const model::OpenAsk& ask) {
  Object::Ptr reasons = body->getObject("reasons");
  for (const auto& item : ask.cost_items)
    if (!reasons || !reasons->has(item) || reasons->isNull(item) ||
        text::readable_length(reasons->getValue<std::string>(item)) < kMinItemReasonChars)
      throw Error(Code::invalid, "\"reasons." + item + "\": give the reason for not accepting the supplier's " +
                                     model::cost_label_ja(item) + " (step " + std::to_string(*ask.figures_step) +
                                     "), at least " + std::to_string(kMinItemReasonChars) + " characters");
  if (ask.cost_items.empty() &&
      text::readable_length(body->optValue<std::string>("reason", "")) < kMinRejectReasonChars)
    throw Error(Code::invalid, "\"reason\": the supplier's " + std::string(model::label_ja(ask.kind)) + " (step " +
                                   std::to_string(ask.no) +
                                   ") names no figures: say why it is not accepted, at least " +
                                   std::to_string(kMinRejectReasonChars) + " characters");
}
}  // namespace

StepResult RequestService::step(const std::string& number, const StepInput& in, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  validate_step(in);
  const model::Side side = *model::parse_side(in.side);
  const model::Step kind = *model::parse_step(in.kind);
  const Catalogs& cat = svc_.catalogs();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    const model::State from = model::stored_state(r->state);
    const model::Transition move = model::on_step(model::stored_origin(r->origin), from, side, kind);
    if (!move.allowed) throw StateConflict("request " + number + ": " + move.refusal);
    if (in.body->has("price_revision_date") && !in.body->isNull("price_revision_date")) {
      Date d;
      std::string why;
      const std::string raw = in.body->getValue<std::string>("price_revision_date");
      if (parse_date(raw, d, why) && d < svc_.today())
        throw Error(Code::invalid, "\"price_revision_date\": " + d.iso() + " is before today (" + svc_.today().iso() +
                                       "): a price change cannot take effect in the past");
    }
    // the supplier's own page runs under its link's principal (http/supplier_form.cpp);
    // any other supplier-side step is the buyer's staff writing down what the supplier said
    const bool via_link = svc_.principal().rfind("supplier-link:", 0) == 0;
    if (via_link && side != model::Side::supplier)
      throw Error(Code::invalid, "a supplier link takes the supplier's steps only");
    if (side == model::Side::supplier && !via_link) Object::Ptr(in.body)->set("recorded_by_staff", true);
    const auto steps = rs.steps(number);
    const auto thread = detail::thread_of(steps);
    const auto ask = model::open_ask(thread);
    Object::Ptr body = in.body;
    if (kind == model::Step::accept) {
      const auto fig = model::acceptable_figures(thread);
      if (!fig)
        throw Error(Code::invalid,
                    "accept: the supplier has sent no estimate or counter-proposal with figures to "
                    "accept (answer with a counter_proposal or a reject instead)");
      body->set("accepted_step", *fig);
      for (const auto& st : steps)
        if (st.step == *fig) body->set("accepted", accepted_figures(st));
    }
    if (kind == model::Step::reject) {
      if (!ask)
        throw Error(Code::invalid,
                    "reject: no negotiation request, estimate or counter-proposal of the supplier is "
                    "waiting for an answer");
      check_reasons(body, *ask);
    }
    if (side == model::Side::buyer && ask &&
        (kind == model::Step::accept || kind == model::Step::reject || kind == model::Step::proposal ||
         kind == model::Step::counter_proposal))
      body->set("answers_step", ask->no);
    AuditLog audit(db, svc_.principal());
    Object::Ptr guard;
    // 取適法 5条2項4号: no price is decided, and no agreement drafted by the buyer, while
    // the supplier's request to negotiate stands unanswered
    if (kind == model::Step::price_decision || (kind == model::Step::agreement && side == model::Side::buyer)) {
      records::GuardContext ctx;
      ctx.today = svc_.today();
      ctx.unanswered_step = ask ? model::describe(*ask) : std::string();
      ctx.supplier_objected = ask.has_value();
      if (Object::Ptr scope = parse_obj(r->body)->getObject("scope"))
        ctx.scope = scope->optValue<std::string>("result", "");
      auto outcome = records::check_price_decision(cat.guardrails, cat.policy.requests, in.overrides, ctx, actor);
      guard = guard_json(outcome);
      if (outcome.refused()) {
        auto after = obj();
        after->set("step", body);
        after->set("kind", in.kind);
        after->set("guardrails", guard);
        audit.append({actor, in.kind + ".refused", number, r->vendor_code, std::nullopt, json(after)});
        tx.commit();
        throw GuardrailRefusal("refused by guardrail: " + outcome.refused_list(), outcome);
      }
    }
    StepResult res;
    if (guard) body->set("guardrails", guard);
    const std::string now = records::audit_now();
    if (kind == model::Step::agreement) {
      Object::Ptr request = parse_obj(r->body);
      const agreement::Draft draft{in.side, body->optValue<std::string>("message", ""),
                                   body->optValue<bool>("recorded_by_staff", false)};
      Object::Ptr ctx = agreement::context(number, request, body->getObject("terms"), steps, draft, cat, svc_.today());
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

    res.state = r->state;
    if (move.to) {
      const std::string to = model::code(*move.to);
      std::optional<std::string> reason;
      if (body->has("reason")) reason = body->getValue<std::string>("reason");
      rs.transition(number, {r->state, to, now, actor, in.side, reason});
      auto from_doc = obj();
      from_doc->set("state", r->state);
      auto to_doc = obj();
      to_doc->set("state", to);
      audit.append({actor, "request." + to, number, r->vendor_code, json(from_doc), json(to_doc)});
      if (from == model::State::issued && side == model::Side::supplier) {
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
    if (!rs.find(number)) throw Error(Code::notfound, "no request " + number);
    auto all = rs.agreements(number, true);
    if (all.empty()) throw Error(Code::notfound, "request " + number + " has no agreement document yet");
    if (!version) return all.back();
    for (auto& a : all)
      if (a.version == *version) return a;
    throw Error(Code::notfound, "request " + number + " has no agreement version " + std::to_string(*version));
  });
}

}  // namespace hoshi
