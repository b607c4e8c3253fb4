#include "store/supplier_links.hpp"
#include "core/error.hpp"
#include "domain/request_model.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

#include <stdexcept>

#include "core/link_tokens.hpp"
#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "store/audit_log.hpp"
#include "store/briefing_links.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::select_rows;

std::string SupplierLinks::create(const std::string& number, int ttl_days, const std::string& actor) {
  if (ttl_days < 1 || ttl_days > 730) throw Error(Code::invalid, "a supplier link lives between 1 and 730 days");
  const std::string token = random_token(32);
  const std::string hash = sha256_hex(token);
  db_.guarded([&] {
    store::WriteTransaction tx(db_);
    auto rows = select_rows(db_, "SELECT vendor_code, state FROM requests WHERE number = :a", {number}, 2);
    if (rows.empty()) throw Error(Code::notfound, "no request " + number);
    const std::string state = *rows[0][1], vendor = *rows[0][0];
    if (!model::is_open(model::stored_state(state)))
      throw Error(Code::invalid, "request " + number + " is " + state + ": a supplier link is for an issued request");
    const std::string now = audit_now(), expires = utc_in_days(ttl_days);
    execute(db_,
            "INSERT INTO supplier_links (token_sha256, number, vendor_code, created_at, created_by, expires_at) "
            "VALUES (:a, :b, :c, :d, :e, :f)",
            {hash, number, vendor, now, actor, expires});
    AuditLog(db_, via_).append({actor, "supplier_link.created", number, vendor, std::nullopt,
                                "{\"link\":\"" + hash.substr(0, 12) + "\",\"expires_at\":\"" + expires + "\"}"});
    tx.commit();
  });
  return token;
}

std::string SupplierLinks::mint_for_outbox(const std::string& number, const std::string& vendor_code, int ttl_days,
                                           long long outbox_id) {
  const std::string token = random_token(32);
  execute(db_,
          "INSERT INTO supplier_links (token_sha256, number, vendor_code, created_at, created_by, expires_at, "
          "outbox_id) VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {sha256_hex(token), number, vendor_code, audit_now(), "outbox", utc_in_days(ttl_days), outbox_id});
  return token;
}

int SupplierLinks::revoke_for_outbox(long long outbox_id, const std::string& actor) {
  // a briefing invitation's link (briefing_links.hpp) goes with its message too
  BriefingLinks(db_, via_).revoke_for_outbox(outbox_id, actor);
  return static_cast<int>(execute(db_,
                                  "UPDATE supplier_links SET revoked_at = :a, revoked_by = :b "
                                  "WHERE outbox_id = :c AND revoked_at IS NULL",
                                  {audit_now(), actor, outbox_id}));
}

std::optional<SupplierLink> SupplierLinks::find(const std::string& token) {
  if (!token_shaped(token)) return std::nullopt;
  const std::string hash = sha256_hex(token);
  auto rows = db_.guarded([&] {
    return select_rows(db_,
                       "SELECT number, vendor_code, expires_at, revoked_at FROM supplier_links WHERE token_sha256 = :a",
                       {hash}, 4);
  });
  if (rows.empty()) return std::nullopt;
  SupplierLink l;
  l.number = *rows[0][0];
  l.vendor_code = *rows[0][1];
  l.expires_at = *rows[0][2];
  l.token_id = hash.substr(0, 12);
  if (rows[0][3])
    l.state = SupplierLink::State::revoked;
  else if (audit_now() >= l.expires_at)
    l.state = SupplierLink::State::expired;
  return l;
}

int SupplierLinks::revoke(const std::string& number, const std::string& actor) {
  return db_.guarded([&] {
    store::WriteTransaction tx(db_);
    auto rows = select_rows(db_, "SELECT vendor_code FROM requests WHERE number = :a", {number}, 1);
    if (rows.empty()) throw Error(Code::notfound, "no request " + number);
    const std::string now = audit_now();
    const long long n = execute(
        db_, "UPDATE supplier_links SET revoked_at = :a, revoked_by = :b WHERE number = :c AND revoked_at IS NULL",
        {now, actor, number});
    if (n > 0)
      AuditLog(db_, via_).append(
          {actor, "supplier_link.revoked", number, *rows[0][0], std::nullopt, "{\"links\":" + std::to_string(n) + "}"});
    tx.commit();
    return static_cast<int>(n);
  });
}

}  // namespace hoshi::records
