#include "store/audit_log.hpp"

#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/date.hpp"
#include "core/error.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::Param;
using store::Row;

namespace {
constexpr const char* kColumns =
    "seq, at, actor, via, action, subject, vendor_code, before_json, after_json, payload_sha256, prev_hash, hash, "
    "redacted_at";
constexpr long long kPage = 10000;

// Copies rather than moves: both the row and the event keep their buffers across a scan.
void from_row(const Row& r, AuditEvent& e) {
  e.seq = std::stoll(*r[0]);
  e.at = *r[1];
  e.actor = *r[2];
  e.via = r[3];
  e.action = *r[4];
  e.subject = *r[5];
  e.vendor_code = r[6];
  e.before = r[7];
  e.after = r[8];
  e.payload_sha256 = *r[9];
  e.prev_hash = *r[10];
  e.hash = *r[11];
  e.redacted_at = r[12];
}

long long meta_audit_seq(store::Database& db) {
  auto rows = store::select_rows(db, "SELECT value FROM meta WHERE key = 'audit_seq'", {}, 1);
  return rows.empty() || !rows[0][0] ? 0 : std::stoll(*rows[0][0]);
}

// The purge's cut-off recorded in a purge event's after document.
std::optional<std::string> purge_cutoff(const AuditEvent& e) {
  if (e.action != "records.purged" || !e.after) return std::nullopt;
  try {
    auto o = Poco::JSON::Parser().parse(*e.after).extract<Poco::JSON::Object::Ptr>();
    if (o && o->has("cutoff")) return o->getValue<std::string>("cutoff");
  } catch (const std::exception&) {
  }
  return std::nullopt;
}
}  // namespace

std::string audit_now() { return audit_time_after(0); }

std::string audit_time_after(long long seconds) {
  const auto now = std::chrono::system_clock::now() + std::chrono::seconds(seconds);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
  return buf;
}

std::string jst_day_start_utc(const std::string& iso_date) {
  Date d;
  if (!parse_iso_date(iso_date, d)) throw Error(Code::invalid, "not a date (YYYY-MM-DD): " + iso_date);
  return Date::from_days(d.days() - 1).iso() + "T15:00:00.000Z";
}

std::string utc_to_jst_display(const std::string& at) {
  // at: YYYY-MM-DDTHH:MM:SS[.mmm]Z
  Date d;
  if (at.size() < 19 || !parse_iso_date(at.substr(0, 10), d)) return at;
  int hour = (at[11] - '0') * 10 + (at[12] - '0') + 9;
  if (hour >= 24) {
    hour -= 24;
    d = Date::from_days(d.days() + 1);
  }
  std::string out = d.iso();
  out += ' ';
  out += static_cast<char>('0' + hour / 10);
  out += static_cast<char>('0' + hour % 10);
  out.append(at, 13, 6);
  return out;
}

long long AuditLog::append(const NewAuditEvent& in) {
  ChainHead h = head();
  AuditEvent e;
  e.seq = h.seq + 1;
  e.at = audit_now();
  e.actor = in.actor;
  if (!via_.empty()) e.via = via_;
  e.action = in.action;
  e.subject = in.subject;
  e.vendor_code = in.vendor_code;
  e.before = in.before;
  e.after = in.after;
  e.payload_sha256 = payload_hash(e.before, e.after);
  e.prev_hash = h.hash;
  e.hash = event_hash(e);
  store::execute(db_,
                 "INSERT INTO audit_events (seq, at, actor, via, action, subject, vendor_code, before_json, "
                 "after_json, payload_sha256, prev_hash, hash) VALUES (:a, :b, :c, :v, :d, :e, :f, :g, :h, :i, :j, :k)",
                 {e.seq, e.at, e.actor, e.via, e.action, e.subject, e.vendor_code, e.before, e.after, e.payload_sha256,
                  e.prev_hash, e.hash});
  store::execute(db_, "UPDATE meta SET value = :a WHERE key = 'audit_seq'", {e.seq});
  return e.seq;
}

ChainHead AuditLog::head() {
  auto rows = store::select_rows(db_, "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", {}, 2);
  ChainHead h;
  if (!rows.empty()) {
    h.seq = std::stoll(*rows[0][0]);
    h.hash = *rows[0][1];
  }
  return h;
}

void AuditLog::scan(const AuditFilter& f, const std::function<bool(const AuditEvent&)>& fn) {
  // Keyset pages: each page is its own short query, so neither backend holds a
  // cursor (or the whole result) while the caller writes out a large export.
  std::string where = "seq > :a";
  std::vector<Param> base;
  if (f.vendor_code) {
    where += " AND vendor_code = :v";
    base.emplace_back(*f.vendor_code);
  }
  if (f.from_utc) {
    where += " AND at >= :f";
    base.emplace_back(*f.from_utc);
  }
  if (f.to_utc) {
    where += " AND at < :t";
    base.emplace_back(*f.to_utc);
  }
  if (f.up_to_seq >= 0) {
    where += " AND seq <= :u";
    base.emplace_back(f.up_to_seq);
  }
  const std::string sql = std::string("SELECT ") + kColumns + " FROM audit_events WHERE " + where +
                          " ORDER BY seq LIMIT " + std::to_string(kPage);
  long long after = 0;
  AuditEvent e;
  for (;;) {
    std::vector<Param> params{after};
    params.insert(params.end(), base.begin(), base.end());
    long long n = 0;
    bool more = true;
    store::for_each_row(db_, sql, params, 13, [&](Row& r) {
      ++n;
      if (!more) return;
      from_row(r, e);
      after = e.seq;
      more = fn(e);
    });
    if (!more || n < kPage) break;
  }
}

VerifyReport AuditLog::verify(const std::optional<std::string>& expected_head) {
  VerifyReport rep;
  long long expected_seq = 1;
  std::string prev = kGenesisHash;
  bool expected_seen = false;
  // redacted events not yet covered by a later purge event's cut-off
  long long first_pending = 0;
  std::string pending_max_at;
  auto fail = [&](long long seq, std::string why) {
    if (!rep.intact) return;
    rep.intact = false;
    rep.bad_seq = seq;
    rep.problem = std::move(why);
  };
  auto check = [&](const AuditEvent& e) {
    ++rep.events;
    const std::string s = std::to_string(e.seq);
    if (e.seq != expected_seq) {
      const std::string gap = e.seq == expected_seq + 1
                                  ? std::to_string(expected_seq)
                                  : std::to_string(expected_seq) + "–" + std::to_string(e.seq - 1);
      return fail(expected_seq, "event " + gap + " is missing (deleted); the chain jumps to " + s);
    }
    if (e.prev_hash != prev)
      return fail(e.seq, "event " + s + " does not follow event " + std::to_string(e.seq - 1) +
                             " (prev_hash differs): inserted, reordered, or the event before it was replaced");
    if (e.redacted_at) {
      if (e.before || e.after) return fail(e.seq, "event " + s + " is marked redacted but still has a payload");
      ++rep.redacted;
      if (!first_pending) first_pending = e.seq;
      if (e.at > pending_max_at) pending_max_at = e.at;
    } else if (payload_hash(e.before, e.after) != e.payload_sha256) {
      return fail(e.seq, "event " + s + ": before/after were edited (payload hash differs)");
    }
    if (event_hash(e) != e.hash) return fail(e.seq, "event " + s + " was edited (its hash no longer matches)");
    if (auto cutoff = purge_cutoff(e); cutoff && first_pending && pending_max_at < *cutoff) first_pending = 0;
    if (expected_head && e.hash == *expected_head) expected_seen = true;
    prev = e.hash;
    rep.head = {e.seq, e.hash};
    ++expected_seq;
  };
  scan({}, [&](const AuditEvent& e) {
    check(e);
    return rep.intact;
  });
  if (!rep.intact) return rep;
  if (first_pending) {
    fail(first_pending,
         "event " + std::to_string(first_pending) + " had its payload removed, but no purge past retention covers it");
    return rep;
  }
  const long long counted = meta_audit_seq(db_);
  if (counted > rep.head.seq)
    fail(rep.head.seq + 1, "events " + std::to_string(rep.head.seq + 1) + "–" + std::to_string(counted) +
                               " are missing at the end (deleted); the trail had reached " + std::to_string(counted));
  else if (counted < rep.head.seq)
    fail(counted + 1, "event " + std::to_string(counted + 1) + " was added outside Hoshitori (the trail had reached " +
                          std::to_string(counted) + ")");
  else if (expected_head && !expected_seen)
    fail(0, "the expected head " + *expected_head + " is not in the chain (the trail was rewritten)");
  return rep;
}

}  // namespace hoshi::records
