#include "store/request_store.hpp"
#include "domain/request_model.hpp"

#include <cstdio>

#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::Param;
using store::select_rows;

namespace {
constexpr const char* kRequestColumns =
    "number, vendor_code, level, state, due, body, guardrails, created_at, created_by, issued_at, last_step_at, "
    "origin";

const store::Columns kRequest(kRequestColumns);

RequestRecord request_from(const store::NamedRow& r) {
  RequestRecord q;
  q.number = r.text("number");
  q.vendor_code = r.text("vendor_code");
  q.level = r.text("level");  // NULL: a supplier-initiated negotiation
  q.state = r.text("state");
  q.due = r.text("due");
  q.body = r.text("body");
  q.guardrails = r.text("guardrails");
  q.created_at = r.text("created_at");
  q.created_by = r.text("created_by");
  q.issued_at = r["issued_at"];
  q.last_step_at = r.text("last_step_at");
  q.origin = r["origin"].value_or("buyer");
  return q;
}

long long to_ll(const std::optional<std::string>& s) { return s ? std::stoll(*s) : 0; }
}  // namespace

std::string RequestStore::next_number(const std::string& prefix, int year) {
  if (execute(db_, "UPDATE request_counters SET last_no = last_no + 1 WHERE prefix = :a AND year = :b",
              {prefix, year}) == 0)
    execute(db_, "INSERT INTO request_counters (prefix, year, last_no) VALUES (:a, :b, 1)", {prefix, year});
  auto rows =
      select_rows(db_, "SELECT last_no FROM request_counters WHERE prefix = :a AND year = :b", {prefix, year}, 1);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%05lld", year, to_ll(rows.at(0)[0]));
  return prefix + buf;
}

void RequestStore::insert(const RequestRecord& r) {
  execute(
      db_,
      std::string("INSERT INTO requests (") + kRequestColumns +
          ") VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k, :l)",
      {r.number, r.vendor_code, r.level.empty() ? std::optional<std::string>() : std::optional<std::string>(r.level),
       r.state, r.due, r.body, r.guardrails, r.created_at, r.created_by, r.issued_at, r.last_step_at, r.origin});
}

std::optional<RequestRecord> RequestStore::find(const std::string& number) {
  std::optional<RequestRecord> out;
  store::for_each_named(db_, kRequest, "FROM requests WHERE number = :a", {number},
                        [&](const store::NamedRow& r) { out = request_from(r); });
  return out;
}

std::vector<RequestRecord> RequestStore::for_supplier(const std::string& vendor_code) {
  std::vector<RequestRecord> out;
  store::for_each_named(db_, kRequest, "FROM requests WHERE vendor_code = :a ORDER BY created_at, number",
                        {vendor_code}, [&](const store::NamedRow& r) { out.push_back(request_from(r)); });
  return out;
}

namespace {
const store::Columns kState("number, vendor_code, state");
RequestState state_of(const store::NamedRow& r) { return {r.text("number"), r.text("vendor_code"), r.text("state")}; }
}  // namespace

std::vector<std::string> RequestStore::numbers() {
  std::vector<std::string> out;
  store::for_each_named(db_, kState, "FROM requests ORDER BY number", {},
                        [&](const store::NamedRow& r) { out.push_back(r.text("number")); });
  return out;
}

std::vector<RequestState> RequestStore::by_last_step() {
  std::vector<RequestState> out;
  store::for_each_named(db_, kState, "FROM requests ORDER BY last_step_at", {},
                        [&](const store::NamedRow& r) { out.push_back(state_of(r)); });
  return out;
}

std::vector<RequestState> RequestStore::unanswered_past_due(const std::string& today) {
  std::vector<RequestState> out;
  store::for_each_named(db_, kState,
                        "FROM requests WHERE due < :a AND state IN ('issued', 'acknowledged') AND NOT EXISTS "
                        "(SELECT 1 FROM negotiation_steps s WHERE s.number = requests.number AND s.side = 'supplier' "
                        "AND s.kind <> 'acknowledge') ORDER BY number",
                        {today}, [&](const store::NamedRow& r) { out.push_back(state_of(r)); });
  return out;
}

void RequestStore::transition(const std::string& number, const TransitionRecord& t) {
  execute(db_,
          "INSERT INTO request_transitions (number, from_state, to_state, at, actor, side, reason) "
          "VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {number, t.from_state, t.to_state, t.at, t.actor, t.side, t.reason});
  if (t.to_state == model::code(model::State::issued))
    execute(db_, "UPDATE requests SET state = :a, last_step_at = :b, issued_at = :c WHERE number = :d",
            {t.to_state, t.at, t.at, number});
  else
    execute(db_, "UPDATE requests SET state = :a, last_step_at = :b WHERE number = :c", {t.to_state, t.at, number});
}

void RequestStore::touch(const std::string& number, const std::string& at) {
  execute(db_, "UPDATE requests SET last_step_at = :a WHERE number = :b", {at, number});
}

long long RequestStore::add_step(const std::string& number, const StepRecord& s) {
  auto rows = select_rows(db_, "SELECT MAX(step) FROM negotiation_steps WHERE number = :a", {number}, 1);
  const long long step = to_ll(rows.at(0)[0]) + 1;
  execute(db_,
          "INSERT INTO negotiation_steps (number, step, side, kind, at, actor, body) "
          "VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {number, step, s.side, s.kind, s.at, s.actor, s.body});
  touch(number, s.at);
  return step;
}

std::vector<StepRecord> RequestStore::steps(const std::string& number) {
  std::vector<StepRecord> out;
  for (auto& r : select_rows(db_,
                             "SELECT step, side, kind, at, actor, body FROM negotiation_steps WHERE number = :a "
                             "ORDER BY step",
                             {number}, 6))
    out.push_back(
        {to_ll(r[0]), std::move(*r[1]), std::move(*r[2]), std::move(*r[3]), std::move(*r[4]), std::move(*r[5])});
  return out;
}

std::vector<TransitionRecord> RequestStore::transitions(const std::string& number) {
  std::vector<TransitionRecord> out;
  for (auto& r : select_rows(db_,
                             "SELECT from_state, to_state, at, actor, side, reason FROM request_transitions "
                             "WHERE number = :a ORDER BY id",
                             {number}, 6))
    out.push_back(
        {std::move(r[0]), std::move(*r[1]), std::move(*r[2]), std::move(*r[3]), std::move(*r[4]), std::move(r[5])});
  return out;
}

long long RequestStore::add_agreement(const std::string& number, const AgreementRecord& a) {
  auto rows = select_rows(db_, "SELECT MAX(version) FROM agreements WHERE number = :a", {number}, 1);
  const long long version = to_ll(rows.at(0)[0]) + 1;
  execute(db_,
          "INSERT INTO agreements (number, version, sha256, document, terms, created_at, created_by) "
          "VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {number, version, a.sha256, a.document, a.terms, a.created_at, a.created_by});
  touch(number, a.created_at);
  return version;
}

std::vector<AgreementRecord> RequestStore::agreements(const std::string& number, bool with_documents) {
  std::vector<AgreementRecord> out;
  const std::string doc = with_documents ? "document" : "''";
  for (auto& r : select_rows(db_,
                             "SELECT version, sha256, " + doc +
                                 ", terms, created_at, created_by FROM agreements WHERE number = :a ORDER BY version",
                             {number}, 6))
    out.push_back(
        {to_ll(r[0]), std::move(*r[1]), std::move(*r[2]), std::move(*r[3]), std::move(*r[4]), std::move(*r[5])});
  return out;
}

void RequestStore::add_confirmation(const std::string& number, const ConfirmationRecord& c) {
  execute(db_,
          "INSERT INTO agreement_confirmations (number, version, side, sha256, at, actor, method) "
          "VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {number, c.version, c.side, c.sha256, c.at, c.actor, c.method});
  touch(number, c.at);
}

std::vector<ConfirmationRecord> RequestStore::confirmations(const std::string& number) {
  std::vector<ConfirmationRecord> out;
  for (auto& r : select_rows(db_,
                             "SELECT version, side, sha256, at, actor, method FROM agreement_confirmations "
                             "WHERE number = :a ORDER BY id",
                             {number}, 6))
    out.push_back(
        {to_ll(r[0]), std::move(*r[1]), std::move(*r[2]), std::move(*r[3]), std::move(*r[4]), std::move(*r[5])});
  return out;
}

std::vector<RequestStore::PurgeCandidate> RequestStore::purgeable(const std::string& cutoff) {
  // in one of the model's final states, each bound
  std::vector<store::Param> params = {cutoff};
  std::string in;
  for (model::State st : model::final_states()) {
    in += (in.empty() ? ":s" : ", :s") + std::to_string(params.size());
    params.emplace_back(std::string(model::code(st)));
  }
  std::vector<PurgeCandidate> out;
  for (auto& r : select_rows(db_,
                             "SELECT number, last_step_at, CASE WHEN EXISTS (SELECT 1 FROM agreements a WHERE "
                             "a.number = requests.number) THEN 1 ELSE 0 END FROM requests WHERE last_step_at < :a "
                             "AND state IN (" +
                                 in + ") ORDER BY number",
                             params, 3))
    out.push_back({std::move(*r[0]), std::move(*r[1]), r[2].value_or("0") == "1"});
  return out;
}

void RequestStore::remove(const std::string& number) {
  for (const char* table :
       {"agreement_scans", "agreement_codes", "agreement_confirmations", "agreements", "negotiation_steps",
        "request_transitions", "evidence_files", "scs_self_checks", "supplier_links"})
    execute(db_, std::string("DELETE FROM ") + table + " WHERE number = :a", {number});
  execute(db_, "DELETE FROM requests WHERE number = :a", {number});
}

long long RequestStore::redact_audit(const std::string& subject, const std::string& cutoff, const std::string& now) {
  return execute(db_,
                 "UPDATE audit_events SET before_json = NULL, after_json = NULL, redacted_at = :a "
                 "WHERE subject = :b AND at < :c AND redacted_at IS NULL",
                 {now, subject, cutoff});
}

void RequestStore::open_purge_window(const std::string& cutoff) {
  execute(db_, "INSERT INTO purge_window (cutoff) VALUES (:a)", {cutoff});
}

void RequestStore::close_purge_window() { execute(db_, "DELETE FROM purge_window", {}); }

}  // namespace hoshi::records
