#include "service/requests.hpp"

#include "core/error.hpp"
#include "domain/lifecycles.hpp"
#include "store/webhook_queue.hpp"

#include <Poco/JSON/Parser.h>

#include <algorithm>

#include "core/sha256.hpp"
#include "service/json_args.hpp"
#include "service/request_common.hpp"
#include "service/request_scope.hpp"
#include "store/audit_log.hpp"
#include "store/evidence_store.hpp"
#include "store/supplier_repository.hpp"

namespace hoshi {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::AuditLog;
using records::RequestRecord;
using records::RequestStore;
using records::StepRecord;
using records::TransitionRecord;

using detail::json;
using detail::parse_obj;
using detail::state_doc;

RequestService::RequestService(Service& svc)
    : svc_(svc), templates_(records::default_templates_dir(svc.schemas_dir())) {}

records::GuardContext RequestService::context_for(store::Database& db, const records::RequestInput& in,
                                                  const std::string& exclude_number) {
  auto supplier = store::SupplierRepository(db).find(in.vendor_code);
  if (!supplier) throw Error(Code::notfound, "no supplier with vendor code " + in.vendor_code);
  records::GuardContext ctx;
  ctx.today = svc_.today();
  // a deadline already past is a mistake, not something a guardrail override could allow
  if (in.due < ctx.today)
    throw Error(Code::invalid, "\"due\": " + in.due.iso() + " is before today (" + ctx.today.iso() +
                                   "): the reply deadline cannot be in the past");
  const SupplierStanding st = svc_.evaluate_now(*supplier);
  ctx.chart_level = st.standing.required_scs;
  ctx.chart_reason = required_words(svc_.catalogs().policy, st.view, ctx.chart_level);
  records::add_holding(ctx, svc_.catalogs().policy, st.view, in.level);
  ctx.scope = detail::scope_record(svc_.catalogs().policy.scope, *supplier)->getValue<std::string>("result");
  for (const auto& service : svc_.catalogs().otasuketai.services) ctx.services.push_back(service.name);
  RequestStore rs(db);
  for (const auto& r : rs.for_supplier(in.vendor_code)) {
    if (r.number == exclude_number) continue;
    const model::State state = model::stored_state(r.state);
    if (state != model::State::draft) {
      const auto thread = detail::thread_of(rs.steps(r.number));
      bool objected = state == model::State::declined;
      for (const auto& s : thread)
        objected = objected || (s.side == model::Side::supplier &&
                                (s.kind == model::Step::negotiation_request || s.kind == model::Step::decline));
      ctx.supplier_objected = ctx.supplier_objected || objected;
      // asking again for the same level, or more, after a refusal is pressing; a lower
      // first step (SA ★★ after ★3 was declined) is not
      if (records::level_rank(r.level) <= records::level_rank(in.level)) {
        if (model::open_ask(thread)) ctx.pressing_on.push_back(r.number);
        Date due;
        if (state == model::State::declined && parse_iso_date(r.due, due)) {
          Object::Ptr cs = parse_obj(r.body)->getObject("cost_sharing");
          const std::string sharing =
              cs ? cs->optValue<std::string>("method", "") + "\n" + cs->optValue<std::string>("explanation", "") : "";
          ctx.declined.push_back({r.number, due, sharing});
        }
      }
    }
    if (r.level != in.level) continue;
    if (model::is_open(state))
      throw StateConflict("supplier " + in.vendor_code + " already has open request " + r.number + " for " +
                          records::level_label(r.level) + " (state " + r.state +
                          "): continue it, or withdraw it first");
  }
  return ctx;
}

records::GuardOutcome RequestService::check(const records::RequestInput& in, const std::string& actor) {
  return svc_.with_db([&](store::Database& db) {
    records::GuardContext ctx = context_for(db, in, "");
    return records::check_issue(svc_.catalogs().guardrails, svc_.catalogs().policy.requests, in, ctx, actor);
  });
}

IssueResult RequestService::issue(const records::RequestInput& in, const std::string& actor, bool draft) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  IssueResult res = svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    IssueResult r = issue_in(db, in, actor, draft);
    tx.commit();  // a refusal is recorded too
    return r;
  });
  if (res.number.empty()) {
    throw GuardrailRefusal("refused by guardrail: " + res.guard.refused_list(), res.guard);
  }
  return res;
}

IssueResult RequestService::issue_in(store::Database& db, const records::RequestInput& in, const std::string& actor,
                                     bool draft) {
  const Catalogs& cat = svc_.catalogs();
  {
    records::GuardContext ctx = context_for(db, in, "");
    IssueResult res;
    res.guard = records::check_issue(cat.guardrails, cat.policy.requests, in, ctx, actor);
    auto supplier = *store::SupplierRepository(db).find(in.vendor_code);
    const std::string now = records::audit_now();

    auto body = obj();
    body->set("supplier", in.vendor_code);
    body->set("supplier_name", supplier.name.value_or(""));
    body->set("supplier_contact", supplier.contact.value_or(""));
    body->set("supplier_corporate_number", supplier.corporate_number.value_or(""));
    body->set("level", in.level);
    body->set("due", in.due.iso());
    body->set("chart_level", ctx.chart_level);
    body->set("chart_reason", ctx.chart_reason);
    body->set("reason", in.reason);
    body->set("necessity", in.necessity);
    if (records::holding_of(in, ctx) == records::Holding::renewal) {
      // the letter asks to renew what the supplier holds (更新), not for a new level
      auto renewal = obj();
      renewal->set("held", ctx.held);
      renewal->set("valid_until_iso", ctx.held_until->iso());
      renewal->set("valid_until_wareki", ctx.held_until->wareki());
      renewal->set("expired", *ctx.held_until < ctx.today);
      body->set("renewal", renewal);
    }
    Array::Ptr items = new Array;
    for (const auto& i : in.items) items->add(i);
    body->set("items", items);
    if (in.cost_sharing) {
      auto cs = obj();
      cs->set("method", in.cost_sharing->method);
      cs->set("explanation", in.cost_sharing->explanation);
      cs->set("negotiable", in.cost_sharing->negotiable);
      body->set("cost_sharing", cs);
    }
    body->set("designated_service",
              in.designated_service ? Poco::Dynamic::Var(*in.designated_service) : Poco::Dynamic::Var());
    body->set("designated_service_mandatory", in.designated_mandatory);
    if (in.what_changed) {
      auto wc = obj();
      wc->set("support", in.what_changed->support);
      wc->set("cost_share", in.what_changed->cost_share);
      wc->set("later_date", in.what_changed->later_date);
      body->set("what_changed", wc);
    }
    Array::Ptr ovs = new Array;
    for (const auto& o : in.overrides) {
      auto e = obj();
      e->set("rule", o.rule);
      e->set("reason", o.reason);
      ovs->add(e);
    }
    body->set("overrides", ovs);
    body->set("buyer", detail::buyer_json(cat.policy.buyer));
    body->set("scope", detail::scope_record(cat.policy.scope, supplier));  // 取適法 or 独禁法 only, as issued
    body->set("retention_years", cat.policy.retention.requests_years);     // the letter's promise, as issued
    body->set("retention_agreements_years", cat.policy.retention.agreements_years);
    auto guard = guard_json(res.guard);

    AuditLog audit(db, svc_.principal());
    if (res.guard.refused() && !draft) {
      // The refusal is part of the record too, though nothing is issued.
      auto after = obj();
      after->set("request", body);
      after->set("guardrails", guard);
      audit.append({actor, "request.refused", in.vendor_code, in.vendor_code, std::nullopt, json(after)});
      return res;  // no number: refused
    }
    RequestRecord r;
    r.number = RequestStore(db).next_number(cat.policy.requests.number_prefix, svc_.today().year);
    r.vendor_code = in.vendor_code;
    r.level = in.level;
    r.state = model::code(model::State::draft);
    r.due = in.due.iso();
    body->set("issued_on", draft ? Poco::Dynamic::Var() : Poco::Dynamic::Var(svc_.today().iso()));
    r.body = json(body);
    r.guardrails = json(guard);
    r.created_at = now;
    r.created_by = actor;
    r.last_step_at = now;
    RequestStore rs(db);
    rs.insert(r);
    rs.transition(r.number, {std::nullopt, model::code(model::State::draft), now, actor, "buyer", std::nullopt});
    auto after = obj();
    after->set("request", body);
    after->set("guardrails", guard);
    audit.append({actor, "request.drafted", r.number, in.vendor_code, std::nullopt, json(after)});
    if (!draft) {
      rs.transition(r.number, {std::string(model::code(model::State::draft)), model::code(model::State::issued), now,
                               actor, "buyer", std::nullopt});
      audit.append({actor, "request.issued", r.number, in.vendor_code,
                    json(state_doc(model::code(model::State::draft))),
                    json(state_doc(model::code(model::State::issued)))});
    }
    res.number = r.number;
    res.state = model::code(draft ? model::State::draft : model::State::issued);
    return res;
  }
}

IssueResult RequestService::issue_draft(const std::string& number, const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const Catalogs& cat = svc_.catalogs();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    if (!model::may_issue(model::stored_state(r->state)))
      throw StateConflict("request " + number + " is " + r->state + ", not a draft");
    Object::Ptr body = parse_obj(r->body);
    Object::Ptr file = obj();
    for (const char* k : {"supplier", "level", "due", "reason", "necessity", "items", "cost_sharing",
                          "designated_service", "designated_service_mandatory", "overrides", "what_changed"})
      if (body->has(k)) file->set(k, body->get(k));
    file->set("level", r->level == "sa2" ? std::string("SA2") : r->level.substr(3));
    records::RequestInput in = parse_request_input(file, cat);
    records::GuardContext ctx = context_for(db, in, number);
    IssueResult res;
    res.guard = records::check_issue(cat.guardrails, cat.policy.requests, in, ctx, actor);
    AuditLog audit(db, svc_.principal());
    auto guard = guard_json(res.guard);
    if (res.guard.refused()) {
      auto after = obj();
      after->set("guardrails", guard);
      audit.append({actor, "request.refused", number, r->vendor_code, std::nullopt, json(after)});
      tx.commit();
      throw GuardrailRefusal("refused by guardrail", res.guard);
    }
    const std::string now = records::audit_now();
    rs.transition(number, {std::string(model::code(model::State::draft)), model::code(model::State::issued), now, actor,
                           "buyer", std::nullopt});
    auto after = state_doc(model::code(model::State::issued));
    after->set("guardrails", guard);
    after->set("issued_on", svc_.today().iso());
    audit.append({actor, "request.issued", number, r->vendor_code, json(state_doc(model::code(model::State::draft))),
                  json(after)});
    tx.commit();
    res.number = number;
    res.state = model::code(model::State::issued);
    return res;
  });
}

ConfirmResult RequestService::confirm(const std::string& number, const std::string& side, const std::string& sha256,
                                      const std::string& actor, const std::string& method_in, const PaperScan* scan,
                                      const std::function<void(records::AgreementCodes&)>& inside) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  if (side != "buyer" && side != "supplier")
    throw Error(Code::invalid, "side must be buyer or supplier, not \"" + side + "\"");
  std::string method = method_in;
  const bool by_link = method == kSupplierLinkMethod || method == kSupplierLinkCodeMethod;
  if (side == "buyer" && (scan || by_link))
    throw Error(Code::invalid, "a paper scan or the supplier link confirms the supplier's side, not the buyer's");
  std::string scan_sha;
  if (side == "supplier") {
    if (scan) {
      if (scan->filename.empty()) throw Error(Code::invalid, "scan: the file name is required");
      if (scan->content.empty()) throw Error(Code::invalid, "scan: the scan's bytes are required");
      const long long max_bytes = svc_.catalogs().policy.evidence.max_file_bytes;
      if (static_cast<long long>(scan->content.size()) > max_bytes)
        throw Error(Code::invalid, "scan: the scan is " + std::to_string(scan->content.size()) +
                                       " bytes, over the policy's evidence max_file_bytes (" +
                                       std::to_string(max_bytes) + ")");
      scan_sha = sha256_hex(scan->content);  // from the bytes that are stored, never as told
      method = "paper-scan sha256=" + scan_sha + " file=" + scan->filename +
               (method_in.empty() || method_in == "paper-scan" ? "" : "; " + method_in);
    } else if (!by_link) {
      throw Error(Code::invalid, kSupplierOnlyMessage);
    }
  }
  if (!is_sha256_hex(sha256)) throw Error(Code::invalid, "sha256 must be 64 hexadecimal digits");
  std::string want = sha256;
  std::transform(want.begin(), want.end(), want.begin(), [](unsigned char c) { return std::tolower(c); });
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    auto r = rs.find(number);
    if (!r) throw Error(Code::notfound, "no request " + number);
    if (!model::may_conclude(model::stored_state(r->state)))
      throw StateConflict("request " + number + " is " + r->state +
                          ": only an agreement under negotiation is confirmed");
    auto versions = rs.agreements(number, false);
    if (versions.empty()) throw StateConflict("request " + number + " has no agreement document yet");
    if (side == "buyer") {
      // 取適法 5条2項4号: the buyer does not settle the price over an unanswered ask
      const std::string open = detail::unanswered_step(rs.steps(number));
      if (!open.empty())
        throw StateConflict("request " + number + ": the supplier's " + open +
                            " is not yet answered; answer it (accept, counter_proposal with basis, or reject with "
                            "reasons) before the buyer confirms an agreement (取適法 5条2項4号)");
    }
    const auto& latest = versions.back();
    if (latest.sha256 != want) {
      for (const auto& v : versions)
        if (v.sha256 == want)
          throw StateConflict("that SHA-256 is agreement version " + std::to_string(v.version) +
                              ", which was replaced by version " + std::to_string(latest.version) + " (" +
                              latest.sha256 + "): read and confirm the latest");
      throw StateConflict("SHA-256 " + want + " is not the agreement document of " + number + "; the latest (version " +
                          std::to_string(latest.version) + ") is " + latest.sha256);
    }
    ConfirmResult res;
    res.version = latest.version;
    std::vector<records::ConfirmationRecord> of_latest;
    std::vector<model::Confirmation> seen;
    for (auto& c : rs.confirmations(number))
      if (c.version == latest.version) {
        seen.push_back(
            {model::parse_side(c.side).value(), c.actor});  // a stored side outside the model: internal error
        of_latest.push_back(std::move(c));
      }
    const model::AgreementStep confirm_step = model::on_confirm(seen, *model::parse_side(side), actor);
    for (const auto& c : of_latest) {
      if (confirm_step.refusal == model::AgreementRefusal::side_already_confirmed && c.side == side)
        throw StateConflict("the " + side + " already confirmed version " + std::to_string(latest.version) + " (" +
                            c.actor + ", " + c.at + ")");
      if (confirm_step.refusal == model::AgreementRefusal::same_person_both_sides && c.actor == actor)
        throw StateConflict(actor + " already confirmed version " + std::to_string(latest.version) + " for the " +
                            c.side + ": one person cannot confirm for both sides");
      res.confirmed_by.push_back(c.side);
    }
    if (!confirm_step.allowed)
      throw StateConflict("version " + std::to_string(latest.version) + " is already confirmed by both sides");
    if (inside) {
      records::AgreementCodes codes(db);
      inside(codes);
    }
    const std::string now = records::audit_now();
    rs.add_confirmation(number, {latest.version, side, want, now, actor, method});
    if (scan) {
      records::AgreementScan kept{number, latest.version, scan->filename, "", 0, "", now, actor, scan->content};
      if (records::EvidenceStore(db).add_agreement_scan(std::move(kept)) != scan_sha)
        throw std::runtime_error("the paper scan changed while it was stored");
    }
    res.confirmed_by.push_back(side);
    AuditLog audit(db, svc_.principal());
    auto after = obj();
    after->set("version", latest.version);
    after->set("side", side);
    after->set("sha256", want);
    after->set("method", method);
    if (scan) {
      after->set("scan_sha256", scan_sha);
      after->set("scan_filename", scan->filename);
      after->set("scan_bytes", static_cast<long long>(scan->content.size()));
    }
    audit.append({actor, "agreement.confirmed", number, r->vendor_code, std::nullopt, json(after)});
    res.state = r->state;
    if (confirm_step.to == model::AgreementState::concluded) {
      rs.transition(number, {r->state, model::code(model::State::agreed), now, actor, side,
                             std::string("both sides confirmed " + want)});
      auto to = state_doc(model::code(model::State::agreed));
      to->set("version", latest.version);
      to->set("sha256", want);
      audit.append({actor, "request.agreed", number, r->vendor_code, json(state_doc(r->state)), json(to)});
      auto data = obj();
      data->set("request", number);
      data->set("vendor_code", r->vendor_code);
      data->set("version", latest.version);
      data->set("sha256", want);
      data->set("confirmed_at", now);
      records::enqueue_webhook_events(db, {{"agreement.confirmed", r->vendor_code, data}});
      res.state = model::code(model::State::agreed);
    }
    tx.commit();
    return res;
  });
}

std::vector<std::string> RequestService::expire(const std::string& actor) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const std::string today = svc_.today().iso();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    const auto rows = rs.unanswered_past_due(today);
    AuditLog audit(db, svc_.principal());
    std::vector<std::string> out;
    const std::string now = records::audit_now();
    for (const auto& r : rows) {
      rs.transition(r.number, {r.state, model::code(model::State::expired), now, actor, "system",
                               std::string("期限 経過（" + today + "）")});
      audit.append({actor, "request.expired", r.number, r.vendor_code, json(state_doc(r.state)),
                    json(state_doc(model::code(model::State::expired)))});
      out.push_back(r.number);
    }
    tx.commit();
    return out;
  });
}

namespace {
// `years` before `d` (29 February becomes 28 February in a common year).
Date years_before(const Date& d, int years) {
  Date cut{d.year - years, d.month, d.day};
  if (!Date::valid(cut.year, cut.month, cut.day)) cut = {cut.year, 2, 28};
  return cut;
}
}  // namespace

// Each kind of record has its period (policy retention:): a request without an agreement
// goes once its last step is older than requests_years; a request with an agreement is
// kept whole — the request, its steps and transitions, evidence, links and the agreement
// with its confirmations, which the agreement was made from and refers to — until its last
// step is older than agreements_years. Nothing goes earlier.
PurgeResult RequestService::purge(const std::string& actor, bool dry_run) {
  if (actor.empty()) throw Error(Code::invalid, "actor: the acting user is required");
  const RetentionPolicy& keep = svc_.catalogs().policy.retention;
  const Date today = svc_.today();
  PurgeResult res;
  res.requests_years = keep.requests_years;
  res.agreements_years = keep.agreements_years;
  res.cutoff = years_before(today, keep.requests_years).iso();
  res.agreements_cutoff = years_before(today, keep.agreements_years).iso();
  return svc_.with_db([&](store::Database& db) {
    store::WriteTransaction tx(db);
    RequestStore rs(db);
    for (const auto& c : rs.purgeable(res.cutoff)) {
      PurgeItem item{c.number, c.has_agreement ? "agreement" : "request", c.last_step_at.substr(0, 10), ""};
      if (c.has_agreement && !(c.last_step_at < res.agreements_cutoff)) {
        Date last;
        if (!parse_iso_date(item.last_step_on, last))
          throw std::runtime_error("request " + c.number + ": bad last_step_at");
        Date until{last.year + keep.agreements_years, last.month, last.day};
        if (!Date::valid(until.year, until.month, until.day)) until = {until.year, 2, 28};
        item.kept_until = until.iso();
        res.kept.push_back(std::move(item));
        continue;
      }
      res.numbers.push_back(c.number);
      res.removed.push_back(std::move(item));
    }
    if (dry_run || res.numbers.empty()) return res;
    const std::string now = records::audit_now();
    rs.open_purge_window(res.cutoff);
    for (const auto& n : res.numbers) {
      rs.remove(n);
      res.events_redacted += rs.redact_audit(n, res.cutoff, now);
    }
    rs.close_purge_window();
    auto after = obj();
    after->set("cutoff", res.cutoff);
    after->set("agreements_cutoff", res.agreements_cutoff);
    auto retention = obj();
    retention->set("requests_years", res.requests_years);
    retention->set("agreements_years", res.agreements_years);
    after->set("retention", retention);
    Array::Ptr list = new Array, kinds = new Array, kept = new Array;
    for (const auto& n : res.numbers) list->add(n);
    for (const auto& i : res.removed) kinds->add(i.kind);
    for (const auto& i : res.kept) kept->add(i.number);
    after->set("requests", list);
    after->set("kinds", kinds);  // by position in requests
    after->set("kept_for_agreement", kept);
    after->set("events_redacted", res.events_redacted);
    AuditLog(db, svc_.principal())
        .append({actor, "records.purged", "requests", std::nullopt, std::nullopt, json(after)});
    tx.commit();
    return res;
  });
}

}  // namespace hoshi
