// The hash-chained, append-only audit trail: appending inside a write transaction,
// streaming it back, and re-walking the chain to find tampering.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_hash.hpp"
#include "store/database.hpp"

namespace hoshi::records {

struct NewAuditEvent {
  std::string actor, action, subject;
  std::optional<std::string> vendor_code, before, after;  // before/after: JSON documents
};

struct ChainHead {
  long long seq = 0;
  std::string hash = kGenesisHash;
};

struct AuditFilter {
  std::optional<std::string> from_utc, to_utc;  // at >= from, at < to (UTC ISO with ms)
  std::optional<std::string> vendor_code;
  long long up_to_seq = -1;  // -1: no bound
};

struct VerifyReport {
  bool intact = true;
  long long events = 0;
  long long redacted = 0;
  long long bad_seq = 0;  // first event found wrong (0 when intact)
  std::string problem;    // what is wrong there
  ChainHead head;         // of the chain as walked (up to the first problem)
};

class AuditLog {
 public:
  // `via`: the identity the program knew for this session, recorded with every event
  // it appends ("" when only the actor is known).
  explicit AuditLog(store::Database& db, std::string via = "") : db_(db), via_(std::move(via)) {}

  // Appends after the current head; the caller holds a WriteTransaction, which
  // serialises writers, so sequence numbers have no gaps and the chain no forks.
  long long append(const NewAuditEvent& e);
  ChainHead head();
  // Events in sequence order; fn may not touch the database.
  void scan(const AuditFilter& filter, const std::function<bool(const AuditEvent&)>& fn);  // fn false: stop
  // Walks the whole chain. With `expected_head` (a hash kept from an earlier export),
  // also reports when that event is no longer in the chain.
  VerifyReport verify(const std::optional<std::string>& expected_head = std::nullopt);

 private:
  store::Database& db_;
  std::string via_;
};

// UTC ISO timestamp with milliseconds, the form every audit event carries.
std::string audit_now();
// The same form, `seconds` from now (negative: in the past).
std::string audit_time_after(long long seconds);
// Bounds for a Japan-time calendar day: 00:00 JST of `iso_date` as UTC, with ms.
std::string jst_day_start_utc(const std::string& iso_date);
// "2026-11-23T01:02:03.456Z" → "2026-11-23 10:02:03" (Japan time, for people).
std::string utc_to_jst_display(const std::string& at);

}  // namespace hoshi::records
