#include "store/outbox.hpp"
#include "core/error.hpp"
#include "domain/lifecycles.hpp"
#include "domain/request_model.hpp"

#include <Poco/JSON/Object.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "core/json_text.hpp"
#include "core/secret.hpp"
#include "store/agreement_codes.hpp"
#include "store/audit_log.hpp"
#include "store/briefing_links.hpp"
#include "store/rows.hpp"
#include "store/supplier_links.hpp"

namespace hoshi::records {

using store::execute;
using store::select_rows;
using store::WriteTransaction;

namespace {

// the message's columns, from outbox o JOIN outbox_bodies b
const char* kColumns =
    "o.id, o.campaign_id, o.vendor_code, o.request_number, o.recipient, o.recipient_name, o.lang, o.charset, "
    "b.subject, b.text_body, b.html_body, b.ics, o.message_id, o.not_before, o.attempts";
const char* kFrom = " FROM outbox o JOIN outbox_bodies b ON b.outbox_id = o.id";

OutboxMessage from_row(const store::Row& r) {
  OutboxMessage m;
  m.id = std::stoll(*r[0]);
  if (r[1]) m.campaign_id = std::stoll(*r[1]);
  m.vendor_code = r[2].value_or("");
  m.request_number = r[3];
  m.recipient = r[4].value_or("");
  m.recipient_name = r[5].value_or("");
  m.lang = r[6].value_or("ja");
  m.charset = r[7].value_or("utf-8");
  m.subject = r[8].value_or("");
  m.text_body = r[9].value_or("");
  m.html_body = r[10].value_or("");
  m.ics = r[11].value_or("");
  m.message_id = r[12].value_or("");
  m.not_before = r[13].value_or("");
  m.attempts = r[14] ? std::stoi(*r[14]) : 0;
  return m;
}

// Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot.
std::string proc_start_of(long long pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  if (!f || !std::getline(f, stat)) return "";
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && (rest >> field); ++i) {
  }
  return field;
}

bool process_alive(long long pid, const std::string& proc_start) {
  if (pid <= 0) return false;
  if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
  return proc_start_of(pid) == proc_start;
}

// The audit action of a sender's mark.
const char* action_of(model::MessageEvent e) {
  switch (e) {
    case model::MessageEvent::delivered:
      return "mail.sent";
    case model::MessageEvent::retry:
      return "mail.deferred";
    case model::MessageEvent::bounced:
      return "mail.failed";
    case model::MessageEvent::cancel:
      return "mail.cancelled";
    default:
      return "mail.unknown";
  }
}

// The state codes an UPDATE moves a message between, from the life cycle's one table.
std::string from_of(model::MessageEvent e) { return model::code(model::edge(e).from); }
std::string to_of(model::MessageEvent e) { return model::code(model::edge(e).to); }

void append_event(store::Database& db, const std::string& via, const std::string& actor, model::MessageEvent kind,
                  const OutboxMessage& m, const std::string& reply, const std::string& link_id) {
  Poco::JSON::Object after(Poco::JSON_PRESERVE_KEY_ORDER);
  after.set("recipient", m.recipient);
  after.set("message_id", m.message_id);
  after.set("attempt", m.attempts + 1);
  if (m.campaign_id) after.set("campaign", *m.campaign_id);
  if (m.request_number) after.set("request", *m.request_number);
  if (!link_id.empty()) after.set("link", link_id);
  after.set("reply", reply);
  AuditLog(db, via).append(
      {actor, action_of(kind), "outbox:" + std::to_string(m.id), m.vendor_code, std::nullopt, api::to_string(after)});
}

std::string message_id_doc(const OutboxMessage& m) {
  Poco::JSON::Object o;
  o.set("message_id", m.message_id);
  return api::to_string(o);
}

}  // namespace

std::string with_placeholder(std::string text, const std::string& placeholder, const std::string& value) {
  for (std::size_t p = 0; (p = text.find(placeholder, p)) != std::string::npos; p += value.size())
    text.replace(p, placeholder.size(), value);
  return text;
}

std::string with_token(std::string text, const std::string& token) {
  return with_placeholder(std::move(text), kTokenPlaceholder, token);
}

SenderId SenderId::for_this_process() {
  SenderId s;
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  s.host = host;
  s.pid = getpid();
  s.proc_start = proc_start_of(s.pid);
  s.id = s.host + ":" + std::to_string(s.pid) + ":" + random_token(6);
  return s;
}

long long enqueue(store::Database& db, const OutboxMessage& m) {
  const std::string sql =
      "INSERT INTO outbox (campaign_id, vendor_code, request_number, recipient, recipient_name, lang, charset, "
      "message_id, created_at, state, not_before) VALUES (:a, :b, :c, :d, :e, :f, :g, :h, :i, :j, :k)";
  const std::vector<store::Param> params = {
      m.campaign_id ? store::Param(*m.campaign_id) : store::Param(std::optional<std::string>()),
      m.vendor_code,
      m.request_number,
      m.recipient,
      m.recipient_name,
      m.lang,
      m.charset,
      m.message_id,
      audit_now(),
      std::string(model::code(model::MessageState::queued)),
      m.not_before};
  execute(db, sql, params);
  auto rows = select_rows(db, "SELECT id FROM outbox WHERE message_id = :a", {m.message_id}, 1);
  const long long id = std::stoll(*rows.at(0)[0]);
  execute(db, "INSERT INTO outbox_bodies (outbox_id, subject, text_body, html_body, ics) VALUES (:a, :b, :c, :d, :e)",
          {id, m.subject, m.text_body,
           m.html_body.empty() ? std::optional<std::string>() : std::optional<std::string>(m.html_body),
           m.ics.empty() ? std::optional<std::string>() : std::optional<std::string>(m.ics)});
  return id;
}

void Outbox::register_sender(const SenderId& me) {
  db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    const std::string now = audit_now();
    execute(db_,
            "INSERT INTO outbox_senders (id, host, pid, proc_start, started_at, heartbeat_at) "
            "VALUES (:a, :b, :c, :d, :e, :f)",
            {me.id, me.host, me.pid, me.proc_start, now, now});
    tx.commit();
  });
}

void Outbox::stop_sender(const SenderId& me) {
  db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    auto held = select_rows(db_, "SELECT id FROM outbox WHERE state = :a AND claimed_by = :b",
                            {from_of(model::MessageEvent::release), me.id}, 1);
    SupplierLinks links(db_, via_);
    for (const auto& r : held) links.revoke_for_outbox(std::stoll(*r[0]), "outbox");
    execute(db_, "UPDATE outbox SET state = :a, claimed_by = NULL WHERE state = :b AND claimed_by = :c",
            {to_of(model::MessageEvent::release), from_of(model::MessageEvent::release), me.id});
    execute(db_, "UPDATE outbox_senders SET stopped_at = :a WHERE id = :b", {audit_now(), me.id});
    tx.commit();
  });
}

std::pair<int, int> Outbox::recover(const SenderId& me, int lease_seconds) {
  const std::string stale = audit_time_after(-lease_seconds);
  std::pair<int, int> result{0, 0};
  auto senders = db_.guarded([&] {
    return select_rows(db_,
                       "SELECT id, host, pid, proc_start, heartbeat_at FROM outbox_senders "
                       "WHERE stopped_at IS NULL AND id <> :a",
                       {me.id}, 5);
  });
  for (const auto& s : senders) {
    const bool same_host = s[1].value_or("") == me.host;
    const long long pid = std::stoll(s[2].value_or("0"));
    const bool dead =
        (same_host && (pid == me.pid || !process_alive(pid, s[3].value_or("")))) || s[4].value_or("") < stale;
    if (!dead) continue;
    db_.guarded([&] {
      WriteTransaction tx(db_, WriteTransaction::Mode::serialize);
      // settled by another recovering sender meanwhile?
      auto still = select_rows(db_, "SELECT stopped_at FROM outbox_senders WHERE id = :a", {*s[0]}, 1);
      if (still.empty() || still[0][0]) return 0;
      auto held = select_rows(
          db_, std::string("SELECT ") + kColumns + kFrom + " WHERE o.state = :a AND o.claimed_by = :b ORDER BY o.id",
          {from_of(model::MessageEvent::uncertain), *s[0]}, 15);
      SupplierLinks links(db_, via_);
      for (std::size_t i = 0; i < held.size(); ++i) {
        OutboxMessage m = from_row(held[i]);
        if (i == 0) {
          execute(db_, "UPDATE outbox SET state = :a, last_reply = :b WHERE id = :c",
                  {to_of(model::MessageEvent::uncertain),
                   "the sender " + *s[0] + " stopped while this message may have been in flight", m.id});
          append_event(db_, via_, "outbox", model::MessageEvent::uncertain, m,
                       "sender " + *s[0] + " stopped; check delivery", "");
          ++result.first;
        } else {
          links.revoke_for_outbox(m.id, "outbox");
          execute(db_, "UPDATE outbox SET state = :a, claimed_by = NULL WHERE id = :b",
                  {to_of(model::MessageEvent::release), m.id});
          ++result.second;
        }
      }
      execute(db_, "UPDATE outbox_senders SET stopped_at = :a WHERE id = :b", {audit_now(), *s[0]});
      tx.commit();
      return 0;
    });
  }
  return result;
}

std::vector<OutboxMessage> Outbox::claim(const SenderId& me, int max, std::optional<long long> campaign, int link_days,
                                         std::vector<std::string>& tokens) {
  tokens.clear();
  return db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    const std::string now = audit_now();
    const bool pg = db_.backend() == store::Backend::postgresql;
    std::string sql = "SELECT id FROM outbox WHERE state = :a AND not_before <= :b";
    std::vector<store::Param> params = {from_of(model::MessageEvent::claim), now};
    if (campaign) {
      sql += " AND campaign_id = :c";
      params.emplace_back(*campaign);
    }
    sql += " ORDER BY id LIMIT " + std::to_string(max);
    if (pg) sql += " FOR UPDATE SKIP LOCKED";
    auto ids = select_rows(db_, sql, params, 1);
    execute(db_, "UPDATE outbox_senders SET heartbeat_at = :a WHERE id = :b", {now, me.id});
    std::vector<OutboxMessage> out;
    SupplierLinks links(db_, via_);
    for (const auto& r : ids) {
      const long long id = std::stoll(*r[0]);
      auto row = select_rows(db_, std::string("SELECT ") + kColumns + kFrom + " WHERE o.id = :a", {id}, 15);
      OutboxMessage m = from_row(row.at(0));
      std::string token;
      if (m.request_number) {
        auto st = select_rows(db_, "SELECT state FROM requests WHERE number = :a", {*m.request_number}, 1);
        const std::string state = st.empty() ? "" : st[0][0].value_or("");
        if (st.empty() || !model::is_open(model::stored_state(state))) {
          execute(db_, "UPDATE outbox SET state = :a, last_reply = :b WHERE id = :c",
                  {to_of(model::MessageEvent::cancel),
                   "request " + *m.request_number + " is " + (state.empty() ? "gone" : state), id});
          append_event(db_, via_, "outbox", model::MessageEvent::cancel, m, "request is " + state, "");
          continue;
        }
        token = links.mint_for_outbox(*m.request_number, m.vendor_code, link_days, id);
      } else if (m.campaign_id && select_rows(db_, "SELECT kind FROM campaigns WHERE id = :a", {*m.campaign_id}, 1)
                                          .at(0)[0]
                                          .value_or("") == "briefing") {
        // a briefing invitation carries the supplier's own link to its attendance page
        token = BriefingLinks(db_, via_).mint_for_outbox(*m.campaign_id, m.vendor_code, link_days, id);
      }
      // a one-time code is made as its message goes out, and only in the copy sent
      if (const std::string code = AgreementCodes(db_).mint_for_outbox(id, now); !code.empty()) {
        m.text_body = with_placeholder(m.text_body, kCodePlaceholder, code);
        m.html_body = with_placeholder(m.html_body, kCodePlaceholder, code);
      }
      execute(db_, "UPDATE outbox SET state = :a, claimed_by = :b, claimed_at = :c WHERE id = :d",
              {to_of(model::MessageEvent::claim), me.id, now, id});
      out.push_back(std::move(m));
      tokens.push_back(std::move(token));
    }
    tx.commit();
    return out;
  });
}

void Outbox::mark(const OutboxMessage& m, model::MessageEvent kind, const std::string& reply,
                  const std::string& next_attempt, const std::string& link_id) {
  db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::serialize);
    const std::string now = audit_now();
    if (kind == model::MessageEvent::retry)
      execute(db_,
              "UPDATE outbox SET state = :a, claimed_by = NULL, attempts = attempts + 1, not_before = :b, "
              "last_reply = :c WHERE id = :d",
              {to_of(model::MessageEvent::retry), next_attempt, reply, m.id});
    else
      execute(db_, "UPDATE outbox SET state = :a, attempts = attempts + 1, last_reply = :b, sent_at = :c WHERE id = :d",
              {to_of(kind), reply,
               kind == model::MessageEvent::delivered ? std::optional<std::string>(now) : std::nullopt, m.id});
    if (kind == model::MessageEvent::retry || kind == model::MessageEvent::bounced)
      SupplierLinks(db_, via_).revoke_for_outbox(m.id, "outbox");
    append_event(db_, via_, "outbox", kind, m, reply, link_id);
    tx.commit();
  });
}

int Outbox::release(const SenderId& me, const std::string& not_before) {
  return db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::plain);
    auto held = select_rows(db_, "SELECT id FROM outbox WHERE state = :a AND claimed_by = :b",
                            {from_of(model::MessageEvent::release), me.id}, 1);
    SupplierLinks links(db_, via_);
    for (const auto& r : held) links.revoke_for_outbox(std::stoll(*r[0]), "outbox");
    const long long n =
        execute(db_,
                "UPDATE outbox SET state = :a, claimed_by = NULL, not_before = :b "
                "WHERE state = :c AND claimed_by = :d",
                {to_of(model::MessageEvent::release), not_before, from_of(model::MessageEvent::release), me.id});
    tx.commit();
    return static_cast<int>(n);
  });
}

SendCounts Outbox::counts(std::optional<long long> campaign) {
  SendCounts c;
  auto rows = db_.guarded([&] {
    return campaign ? select_rows(db_, "SELECT state, COUNT(*) FROM outbox WHERE campaign_id = :a GROUP BY state",
                                  {*campaign}, 2)
                    : select_rows(db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state", {}, 2);
  });
  for (const auto& r : rows) {
    const long long n = std::stoll(*r[1]);
    const std::string& s = *r[0];
    switch (model::stored_message_state(s)) {
      case model::MessageState::queued:
        c.queued = n;
        break;
      case model::MessageState::claimed:
        c.claimed = n;
        break;
      case model::MessageState::sent:
        c.sent = n;
        break;
      case model::MessageState::failed:
        c.failed = n;
        break;
      case model::MessageState::unknown:
        c.unknown = n;
        break;
      case model::MessageState::cancelled:
        c.cancelled = n;
        break;
    }
  }
  return c;
}

void Outbox::resolve(long long id, bool delivered, const std::string& actor) {
  db_.guarded([&] {
    WriteTransaction tx(db_, WriteTransaction::Mode::serialize);
    auto rows =
        select_rows(db_, std::string("SELECT ") + kColumns + ", o.state" + kFrom + " WHERE o.id = :a", {id}, 16);
    if (rows.empty()) throw Error(Code::notfound, "no outbox message " + std::to_string(id));
    if (rows[0][15].value_or("") != from_of(model::MessageEvent::confirm_delivered))
      throw Error(Code::invalid,
                  "outbox message " + std::to_string(id) + " is " + rows[0][15].value_or("") + ", not unknown");
    OutboxMessage m = from_row(rows[0]);
    if (delivered) {
      execute(db_, "UPDATE outbox SET state = :a, sent_at = :b, last_reply = :c WHERE id = :d",
              {to_of(model::MessageEvent::confirm_delivered), audit_now(), "confirmed delivered by " + actor, id});
    } else {
      SupplierLinks(db_, via_).revoke_for_outbox(id, actor);
      execute(db_,
              "UPDATE outbox SET state = :a, claimed_by = NULL, not_before = :b, last_reply = :c "
              "WHERE id = :d",
              {to_of(model::MessageEvent::resend), audit_now(), "to be sent again, decided by " + actor, id});
    }
    AuditLog(db_, via_).append({actor, delivered ? "mail.confirmed" : "mail.resend", "outbox:" + std::to_string(id),
                                m.vendor_code, std::nullopt, message_id_doc(m)});
    tx.commit();
  });
}

bool Outbox::bounced_before(const std::string& address) {
  auto rows = db_.guarded([&] {
    return select_rows(db_, "SELECT COUNT(*) FROM outbox WHERE recipient = :a AND state = :b",
                       {address, to_of(model::MessageEvent::bounced)}, 1);
  });
  return !rows.empty() && rows[0][0] && std::stoll(*rows[0][0]) > 0;
}

}  // namespace hoshi::records
