#include "store/webhook_queue.hpp"

#include <Poco/JSON/Stringifier.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "core/error.hpp"
#include "core/secret.hpp"
#include "core/standing.hpp"
#include "store/audit_log.hpp"
#include "store/purpose.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::Param;
using store::Row;
using store::select_rows;

namespace {

Poco::JSON::Object::Ptr object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

std::string condensed(const Poco::JSON::Object::Ptr& o) {
  std::ostringstream s;
  Poco::JSON::Stringifier::condense(o, s);
  return s.str();
}

Poco::Dynamic::Var nullable(const std::optional<std::string>& v) {
  return v ? Poco::Dynamic::Var(*v) : Poco::Dynamic::Var();
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join_words(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

long long number(const std::optional<std::string>& v) { return v ? std::stoll(*v) : 0; }

// Endpoint id → the types it takes. A disabled endpoint keeps queueing (nothing is lost
// while a person looks into it), a removed one does not.
std::vector<std::pair<long long, std::vector<std::string>>> queueing_endpoints(store::Database& db) {
  std::vector<std::pair<long long, std::vector<std::string>>> out;
  for (auto& r : select_rows(db, "SELECT id, events FROM webhook_endpoints WHERE state <> 'removed'", {}, 2))
    out.emplace_back(std::stoll(*r[0]), split_words(r[1].value_or("")));
  return out;
}

// What `worker` claimed and did not post goes back to the queue; that attempt did not happen.
void return_untried(store::Database& db, long long endpoint, const std::string& worker) {
  execute(db,
          "UPDATE webhook_deliveries SET inflight = NULL, attempts = attempts - 1 WHERE endpoint_id = :a AND "
          "inflight = :b",
          {endpoint, worker});
}

}  // namespace

std::vector<std::string> split_event_types(const std::string& events) { return split_words(events); }

bool is_webhook_event_type(const std::string& type) {
  return std::any_of(std::begin(kWebhookEventTypes), std::end(kWebhookEventTypes),
                     [&](const char* t) { return type == t; });
}

long long Backoff::after_failures(long long n) const {
  long long wait = base_seconds;
  for (long long i = 1; i < n && wait < max_seconds; ++i) wait *= 2;
  return std::min<long long>(wait, max_seconds);
}

void enqueue_webhook_events(store::Database& db, const std::vector<WebhookEvent>& events) {
  if (events.empty()) return;
  const auto endpoints = queueing_endpoints(db);
  if (endpoints.empty()) return;
  const std::string now = audit_now();
  for (const auto& e : events) {
    std::vector<long long> to;
    for (const auto& [id, types] : endpoints)
      if (std::find(types.begin(), types.end(), e.type) != types.end()) to.push_back(id);
    if (to.empty()) continue;
    const std::string uid = "evt_" + random_token(16);
    // purpose limitation: a webhook never carries the supplier's cost figures (there is no
    // purpose to name for a standing subscription); whatever event a writer builds
    std::string data = condensed(e.data);
    if (auto kept = withhold_payload("webhook." + e.type, data)) data = std::move(*kept);
    execute(db, "INSERT INTO webhook_events (uid, type, vendor_code, occurred_at, data) VALUES (:a, :b, :c, :d, :e)",
            {uid, e.type, e.vendor_code, now, data});
    const long long event_id =
        std::stoll(*select_rows(db, "SELECT id FROM webhook_events WHERE uid = :a", {uid}, 1).at(0)[0]);
    for (long long endpoint : to)
      execute(db,
              "INSERT INTO webhook_deliveries (endpoint_id, event_id, vendor_code, state) "
              "VALUES (:a, :b, :c, 'pending')",
              {endpoint, event_id, e.vendor_code});
  }
}

bool webhooks_want(store::Database& db, const std::string& type) {
  for (const auto& [id, types] : queueing_endpoints(db))
    if (std::find(types.begin(), types.end(), type) != types.end()) return true;
  return false;
}

std::optional<WebhookEvent> standing_event(const Policy& policy, const Supplier* before, const Supplier& after,
                                           const Date& today) {
  auto changes = object();
  for (int i = 0; i < kFieldCount; ++i) {
    const auto f = static_cast<Field>(i);
    if (!is_status_field(f)) continue;
    const std::optional<std::string> old = before ? text_of(*before, f) : std::nullopt, now = text_of(after, f);
    if (old == now) continue;
    auto c = object();
    c->set("before", nullable(old));
    c->set("after", nullable(now));
    changes->set(std::string(field_name(f)), c);
  }
  if (changes->size() == 0) return std::nullopt;
  auto standing = [&](const Supplier& s) {
    const StandingResult r = evaluate(policy, StatusView::from(s), today);
    auto o = object();
    o->set("standing", standing_name(r.standing));
    // the scheme's ★ or the buyer's own interim rule (then the supplier does not hold SCS ★required)
    const char* basis = standing_basis(r);
    o->set("basis", *basis ? Poco::Dynamic::Var(std::string(basis)) : Poco::Dynamic::Var());
    o->set("label", standing_label(r));
    if (r.interim && *basis) {
      auto ir = object();
      ir->set("id", r.interim->id);
      ir->set("description", r.interim->description);
      ir->set("until", r.interim->until.iso());
      o->set("interim_rule", ir);
    }
    o->set("required_scs", r.required_scs);
    o->set("until", r.until ? Poco::Dynamic::Var(r.until->iso()) : Poco::Dynamic::Var());
    o->set("reason", r.reason);
    return o;
  };
  auto data = object();
  auto supplier = object();
  supplier->set("vendor_code", after.code());
  supplier->set("name", nullable(after.name));
  supplier->set("corporate_number", nullable(after.corporate_number));
  data->set("supplier", supplier);
  data->set("before", before ? Poco::Dynamic::Var(standing(*before)) : Poco::Dynamic::Var());
  data->set("after", standing(after));
  data->set("changes", changes);
  return WebhookEvent{"supplier.standing_changed", after.code(), data};
}

int WebhookQueue::register_endpoints(const std::vector<EndpointSpec>& specs, const std::string& actor) {
  std::map<std::string, Row> current;
  for (auto& r : select_rows(db_, "SELECT name, url, events, state FROM webhook_endpoints", {}, 4))
    current.emplace(*r[0], r);
  int changed = 0;
  const std::string now = audit_now();
  AuditLog audit(db_, via_);
  auto record = [&](const std::string& action, const std::string& name, const std::optional<std::string>& before,
                    const std::string& url, const std::string& events, const std::string& state) {
    auto after = object();
    after->set("url", url);
    after->set("events", events);
    after->set("state", state);
    audit.append({actor, action, name, std::nullopt, before, condensed(after)});
    ++changed;
  };
  for (const auto& spec : specs) {
    const std::string events = join_words(spec.events);
    auto it = current.find(spec.name);
    if (it == current.end()) {
      execute(db_,
              "INSERT INTO webhook_endpoints (name, url, events, state, next_at, created_at, updated_at) "
              "VALUES (:a, :b, :c, 'active', :d, :e, :f)",
              {spec.name, spec.url, events, now, now, now});
      record("webhook.registered", spec.name, std::nullopt, spec.url, events, "active");
      continue;
    }
    const Row& r = it->second;
    const std::string state = *r[3] == "removed" ? "active" : *r[3];
    if (*r[1] != spec.url || *r[2] != events || *r[3] != state) {
      auto before = object();
      before->set("url", *r[1]);
      before->set("events", *r[2]);
      before->set("state", *r[3]);
      execute(db_, "UPDATE webhook_endpoints SET url = :a, events = :b, state = :c, updated_at = :d WHERE name = :e",
              {spec.url, events, state, now, spec.name});
      record("webhook.changed", spec.name, condensed(before), spec.url, events, state);
    }
    current.erase(it);
  }
  for (const auto& [name, r] : current) {
    if (*r[3] == "removed") continue;
    execute(db_, "UPDATE webhook_endpoints SET state = 'removed', updated_at = :a WHERE name = :b", {now, name});
    auto before = object();
    before->set("state", *r[3]);
    record("webhook.removed", name, condensed(before), *r[1], *r[2], "removed");
  }
  return changed;
}

std::optional<long long> WebhookQueue::endpoint_id(const std::string& name) {
  auto rows = select_rows(db_, "SELECT id FROM webhook_endpoints WHERE name = :a", {name}, 1);
  if (rows.empty()) return std::nullopt;
  return std::stoll(*rows[0][0]);
}

bool WebhookQueue::acquire(long long endpoint, const std::string& worker, int lease_seconds) {
  const std::string now = audit_now();
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::plain);
  const long long taken = execute(db_,
                                  "UPDATE webhook_endpoints SET worker = :a, worker_until = :b WHERE id = :c "
                                  "AND state = 'active' AND next_at <= :d "
                                  "AND (worker IS NULL OR worker = :e OR worker_until < :f)",
                                  {worker, audit_time_after(lease_seconds), endpoint, now, worker, now});
  if (taken == 1)  // what a lapsed worker left in flight goes again (same id, next attempt)
    execute(db_, "UPDATE webhook_deliveries SET inflight = NULL WHERE endpoint_id = :a AND inflight IS NOT NULL",
            {endpoint});
  tx.commit();
  return taken == 1;
}

void WebhookQueue::release(long long endpoint, const std::string& worker) {
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::plain);
  execute(db_, "UPDATE webhook_endpoints SET worker = NULL, worker_until = NULL WHERE id = :a AND worker = :b",
          {endpoint, worker});
  return_untried(db_, endpoint, worker);  // a stop in the middle of a batch
  tx.commit();
}

std::vector<WebhookDelivery> WebhookQueue::claim(long long endpoint, const std::string& worker, int max,
                                                 int lease_seconds) {
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::plain);
  // still ours? (a worker that stalled past its lease must not post behind the next one)
  if (execute(db_, "UPDATE webhook_endpoints SET worker_until = :a WHERE id = :b AND worker = :c AND state = 'active'",
              {audit_time_after(lease_seconds), endpoint, worker}) != 1)
    return {};
  auto rows = select_rows(db_,
                          "SELECT e.id, e.uid, e.type, e.vendor_code, e.occurred_at, e.data, d.attempts "
                          "FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id "
                          "WHERE d.endpoint_id = :a AND d.state = 'pending' ORDER BY d.event_id LIMIT " +
                              std::to_string(max),
                          {endpoint}, 7);
  std::vector<WebhookDelivery> out;
  for (auto& r : rows) {
    WebhookDelivery d;
    d.event_id = std::stoll(*r[0]);
    d.uid = *r[1];
    d.type = *r[2];
    d.vendor_code = *r[3];
    d.occurred_at = *r[4];
    d.data = *r[5];
    d.attempt = number(r[6]) + 1;
    execute(db_,
            "UPDATE webhook_deliveries SET inflight = :a, attempts = attempts + 1 WHERE endpoint_id = :b AND "
            "event_id = :c",
            {worker, endpoint, d.event_id});
    out.push_back(std::move(d));
  }
  tx.commit();
  return out;
}

bool WebhookQueue::delivered(long long endpoint, const std::string& worker, const WebhookDelivery& d, int status,
                             int lease_seconds) {
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::plain);
  execute(db_,
          "UPDATE webhook_deliveries SET state = 'delivered', inflight = NULL, last_status = :a, delivered_at = :b "
          "WHERE endpoint_id = :c AND event_id = :d",
          {std::to_string(status), audit_now(), endpoint, d.event_id});
  const bool held = execute(db_,
                            "UPDATE webhook_endpoints SET failures = 0, last_error = NULL, worker_until = :a "
                            "WHERE id = :b AND worker = :c",
                            {audit_time_after(lease_seconds), endpoint, worker}) == 1;
  tx.commit();
  return held;
}

bool WebhookQueue::failed(long long endpoint, const std::string& worker, const WebhookDelivery& d,
                          const std::string& error, const Backoff& backoff) {
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::serialize);
  execute(db_,
          "UPDATE webhook_deliveries SET inflight = NULL, last_status = :a WHERE endpoint_id = :b AND event_id = :c",
          {error, endpoint, d.event_id});
  return_untried(db_, endpoint, worker);  // the rest of the batch
  auto rows = select_rows(db_, "SELECT failures, name FROM webhook_endpoints WHERE id = :a AND worker = :b",
                          {endpoint, worker}, 2);
  if (rows.empty()) {  // another worker holds it now: its count, not ours
    tx.commit();
    return false;
  }
  const auto& row = rows[0];
  const long long failures = number(row[0]) + 1;
  const bool disable = failures >= backoff.disable_after;
  const std::string now = audit_now();
  execute(db_,
          "UPDATE webhook_endpoints SET failures = :a, last_error = :b, next_at = :c, state = :d, disabled_at = :e, "
          "worker = NULL, worker_until = NULL WHERE id = :f",
          {failures, error, audit_time_after(backoff.after_failures(failures)), disable ? "disabled" : "active",
           disable ? std::optional<std::string>(now) : std::nullopt, endpoint});
  if (disable) {
    auto after = object();
    after->set("state", "disabled");
    after->set("failures", failures);
    after->set("last_error", error);
    after->set("waiting_event", d.uid);
    AuditLog(db_, via_).append(
        {"hoshitori", "webhook.disabled", *row[1], std::nullopt, std::nullopt, condensed(after)});
  }
  tx.commit();
  return disable;
}

void WebhookQueue::enable(const std::string& name, const std::string& actor) {
  store::WriteTransaction tx(db_, store::WriteTransaction::Mode::serialize);
  auto rows = select_rows(db_, "SELECT state FROM webhook_endpoints WHERE name = :a", {name}, 1);
  if (rows.empty()) throw Error(Code::notfound, "no webhook named " + name);
  if (*rows[0][0] == "removed") throw Error(Code::invalid, "webhook " + name + " is no longer configured");
  const std::string now = audit_now();
  execute(db_,
          "UPDATE webhook_endpoints SET state = 'active', failures = 0, next_at = :a, disabled_at = NULL, "
          "updated_at = :b WHERE name = :c",
          {now, now, name});
  auto before = object();
  before->set("state", *rows[0][0]);
  auto after = object();
  after->set("state", "active");
  AuditLog(db_, via_).append({actor, "webhook.enabled", name, std::nullopt, condensed(before), condensed(after)});
  tx.commit();
}

std::vector<EndpointState> WebhookQueue::disabled() {
  static const store::Columns cols("name, last_error, disabled_at");
  std::vector<EndpointState> out;
  store::for_each_named(db_, cols, "FROM webhook_endpoints WHERE state = 'disabled' ORDER BY name", {},
                        [&](const store::NamedRow& r) {
                          EndpointState s;
                          s.name = r.text("name");
                          s.state = "disabled";
                          s.last_error = r["last_error"];
                          s.disabled_at = r["disabled_at"];
                          out.push_back(std::move(s));
                        });
  return out;
}

std::vector<EndpointState> WebhookQueue::status() {
  std::vector<EndpointState> out;
  for (auto& r : select_rows(db_,
                             "SELECT w.id, w.name, w.url, w.events, w.state, w.next_at, w.last_error, w.disabled_at, "
                             "w.failures, "
                             "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.state = "
                             "'pending'), "
                             "(SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = w.id AND d.state = "
                             "'delivered') FROM webhook_endpoints w ORDER BY w.name",
                             {}, 11)) {
    EndpointState s;
    s.id = std::stoll(*r[0]);
    s.name = *r[1];
    s.url = *r[2];
    s.events = *r[3];
    s.state = *r[4];
    s.next_at = *r[5];
    s.last_error = r[6];
    s.disabled_at = r[7];
    s.failures = number(r[8]);
    s.pending = number(r[9]);
    s.delivered = number(r[10]);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hoshi::records
