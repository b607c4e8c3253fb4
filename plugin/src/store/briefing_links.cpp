#include "store/briefing_links.hpp"

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

std::string BriefingLinks::create(long long campaign_id, const std::string& vendor_code, int ttl_days,
                                  const std::string& actor) {
  if (ttl_days < 1 || ttl_days > 730) throw Error(Code::invalid, "a briefing link lives between 1 and 730 days");
  const std::string token = random_token(32);
  const std::string hash = sha256_hex(token);
  const std::string subject = "campaign:" + std::to_string(campaign_id);
  db_.guarded([&] {
    store::WriteTransaction tx(db_);
    auto c = select_rows(db_, "SELECT kind FROM campaigns WHERE id = :a", {campaign_id}, 1);
    if (c.empty()) throw Error(Code::notfound, "no campaign " + std::to_string(campaign_id));
    if (c[0][0].value_or("") != "briefing")
      throw Error(Code::invalid, "campaign " + std::to_string(campaign_id) + " is not a briefing");
    if (select_rows(db_, "SELECT 1 FROM campaign_recipients WHERE campaign_id = :a AND vendor_code = :b",
                    {campaign_id, vendor_code}, 1)
            .empty())
      throw Error(Code::invalid,
                  "vendor_code: " + vendor_code + " was not invited by campaign " + std::to_string(campaign_id));
    const std::string now = audit_now(), expires = utc_in_days(ttl_days);
    execute(db_,
            "INSERT INTO briefing_links (token_sha256, campaign_id, vendor_code, created_at, created_by, expires_at) "
            "VALUES (:a, :b, :c, :d, :e, :f)",
            {hash, campaign_id, vendor_code, now, actor, expires});
    AuditLog(db_, via_).append({actor, "briefing_link.created", subject, vendor_code, std::nullopt,
                                "{\"link\":\"" + hash.substr(0, 12) + "\",\"expires_at\":\"" + expires + "\"}"});
    tx.commit();
  });
  return token;
}

std::string BriefingLinks::mint_for_outbox(long long campaign_id, const std::string& vendor_code, int ttl_days,
                                           long long outbox_id) {
  const std::string token = random_token(32);
  execute(db_,
          "INSERT INTO briefing_links (token_sha256, campaign_id, vendor_code, created_at, created_by, expires_at, "
          "outbox_id) VALUES (:a, :b, :c, :d, :e, :f, :g)",
          {sha256_hex(token), campaign_id, vendor_code, audit_now(), "outbox", utc_in_days(ttl_days), outbox_id});
  return token;
}

int BriefingLinks::revoke_for_outbox(long long outbox_id, const std::string& actor) {
  return static_cast<int>(execute(db_,
                                  "UPDATE briefing_links SET revoked_at = :a, revoked_by = :b "
                                  "WHERE outbox_id = :c AND revoked_at IS NULL",
                                  {audit_now(), actor, outbox_id}));
}

std::optional<BriefingLink> BriefingLinks::find(const std::string& token) {
  if (!token_shaped(token)) return std::nullopt;
  const std::string hash = sha256_hex(token);
  auto rows = db_.guarded([&] {
    return select_rows(db_,
                       "SELECT campaign_id, vendor_code, expires_at, revoked_at FROM briefing_links "
                       "WHERE token_sha256 = :a",
                       {hash}, 4);
  });
  if (rows.empty()) return std::nullopt;
  BriefingLink l;
  l.campaign_id = std::stoll(*rows[0][0]);
  l.vendor_code = *rows[0][1];
  l.expires_at = *rows[0][2];
  l.token_id = hash.substr(0, 12);
  if (rows[0][3]) {
    l.live = false;
  } else if (audit_now() >= l.expires_at) {
    l.live = false;
    l.expired = true;
  }
  return l;
}

}  // namespace hoshi::records
