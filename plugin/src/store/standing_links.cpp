#include "store/standing_links.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

#include <stdexcept>

#include "core/error.hpp"
#include "core/link_tokens.hpp"
#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "store/audit_log.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::select_rows;

namespace {

StandingLink link_from(store::Row& r) {
  StandingLink l;
  l.token_id = r[0]->substr(0, 12);
  l.vendor_code = *r[1];
  l.created_at = *r[2];
  l.expires_at = *r[3];
  if (r[4])
    l.state = StandingLink::State::revoked;
  else if (audit_now() >= l.expires_at)
    l.state = StandingLink::State::expired;
  return l;
}

constexpr const char* kColumns = "SELECT token_sha256, vendor_code, created_at, expires_at, revoked_at ";

void require_supplier(store::Database& db, const std::string& vendor_code) {
  if (select_rows(db, "SELECT 1 FROM suppliers WHERE vendor_code = :a", {vendor_code}, 1).empty())
    throw Error(Code::notfound, "no supplier " + vendor_code);
}
}  // namespace

std::string StandingLinks::create(const std::string& vendor_code, int ttl_days, const std::string& actor) {
  if (ttl_days < 1 || ttl_days > kMaxDays)
    throw Error(Code::invalid, "\"days\": a standing link lives between 1 and " + std::to_string(kMaxDays) + " days");
  const std::string token = random_token(32);
  const std::string hash = sha256_hex(token);
  db_.guarded([&] {
    store::WriteTransaction tx(db_);
    require_supplier(db_, vendor_code);
    const std::string now = audit_now(), expires = utc_in_days(ttl_days);
    auto old = select_rows(
        db_, "SELECT token_sha256 FROM supplier_standing_links WHERE vendor_code = :a AND revoked_at IS NULL",
        {vendor_code}, 1);
    execute(db_,
            "UPDATE supplier_standing_links SET revoked_at = :a, revoked_by = :b WHERE vendor_code = :c AND "
            "revoked_at IS NULL",
            {now, actor, vendor_code});
    if (!old.empty()) revoke_opened(now, vendor_code, actor);
    execute(db_,
            "INSERT INTO supplier_standing_links (token_sha256, vendor_code, created_at, created_by, expires_at) "
            "VALUES (:a, :b, :c, :d, :e)",
            {hash, vendor_code, now, actor, expires});
    std::string payload = "{\"link\":\"" + hash.substr(0, 12) + "\",\"expires_at\":\"" + expires + "\"";
    if (!old.empty()) payload += ",\"replaces\":\"" + old[0][0]->substr(0, 12) + "\"";
    AuditLog(db_, via_).append({actor, old.empty() ? "standing_link.created" : "standing_link.rotated", vendor_code,
                                vendor_code, std::nullopt, payload + "}"});
    tx.commit();
  });
  return token;
}

// The record links the supplier opened from its standing page (made by "supplier:…") go
// with the standing link: a leaked standing link cannot leave links that outlive it.
void StandingLinks::revoke_opened(const std::string& now, const std::string& vendor_code, const std::string& actor) {
  execute(db_,
          "UPDATE supplier_links SET revoked_at = :a, revoked_by = :b WHERE vendor_code = :c AND revoked_at IS NULL "
          "AND created_by LIKE 'supplier:%'",
          {now, actor, vendor_code});
}

bool StandingLinks::revoke(const std::string& vendor_code, const std::string& actor) {
  return db_.guarded([&] {
    store::WriteTransaction tx(db_);
    require_supplier(db_, vendor_code);
    auto old = select_rows(
        db_, "SELECT token_sha256 FROM supplier_standing_links WHERE vendor_code = :a AND revoked_at IS NULL",
        {vendor_code}, 1);
    if (old.empty()) return false;
    const std::string now = audit_now();
    execute(db_, "UPDATE supplier_standing_links SET revoked_at = :a, revoked_by = :b WHERE token_sha256 = :c",
            {now, actor, *old[0][0]});
    revoke_opened(now, vendor_code, actor);
    AuditLog(db_, via_).append({actor, "standing_link.revoked", vendor_code, vendor_code, std::nullopt,
                                "{\"link\":\"" + old[0][0]->substr(0, 12) + "\"}"});
    tx.commit();
    return true;
  });
}

std::optional<StandingLink> StandingLinks::current(const std::string& vendor_code) {
  auto rows = db_.guarded([&] {
    return select_rows(
        db_, std::string(kColumns) + "FROM supplier_standing_links WHERE vendor_code = :a AND revoked_at IS NULL",
        {vendor_code}, 5);
  });
  if (rows.empty()) return std::nullopt;
  return link_from(rows[0]);
}

std::optional<StandingLink> StandingLinks::find(const std::string& token) {
  if (!token_shaped(token)) return std::nullopt;
  const std::string hash = sha256_hex(token);
  auto rows = db_.guarded([&] {
    return select_rows(db_, std::string(kColumns) + "FROM supplier_standing_links WHERE token_sha256 = :a", {hash}, 5);
  });
  if (rows.empty()) return std::nullopt;
  return link_from(rows[0]);
}

}  // namespace hoshi::records
