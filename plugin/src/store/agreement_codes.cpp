#include "store/agreement_codes.hpp"

#include "core/catalogs.hpp"
#include "core/secret.hpp"
#include "store/audit_log.hpp"
#include "store/rows.hpp"

#include <stdexcept>

namespace hoshi::records {

using store::execute;
using store::select_rows;

namespace {
constexpr int kDigits = 6;
// the HMAC names the row too, so a code of one request never matches another's
std::string code_mac(const std::string& secret, long long id, const std::string& code) {
  return hmac_sha256(secret, std::to_string(id) + "\n" + code);
}
}  // namespace

void AgreementCodes::add_request(const std::string& number, long long version, const std::string& link_id,
                                 const std::string& recipient, long long outbox_id, const std::string& now) {
  execute(db_,
          "INSERT INTO agreement_codes (number, version, link_id, recipient, outbox_id, requested_at) "
          "VALUES (:a, :b, :c, :d, :e, :f)",
          {number, version, link_id, recipient, outbox_id, now});
}

long long AgreementCodes::requested_since(const std::string& number, const std::string& since) {
  auto rows = select_rows(db_, "SELECT COUNT(*) FROM agreement_codes WHERE number = :a AND requested_at > :b",
                          {number, since}, 1);
  return std::stoll(rows.at(0)[0].value_or("0"));
}

std::string AgreementCodes::mint_for_outbox(long long outbox_id, const std::string& now) {
  auto rows =
      select_rows(db_, "SELECT id FROM agreement_codes WHERE outbox_id = :a AND used_at IS NULL", {outbox_id}, 1);
  if (rows.empty()) return "";
  const long long id = std::stoll(*rows[0][0]);
  // made when the code was asked for (server_secret), before its message was queued
  auto key = select_rows(db_, "SELECT value FROM server_secrets WHERE name = :a", {std::string(kCodeSecret)}, 1);
  if (key.empty() || !key[0][0]) throw std::runtime_error("the one-time code secret is missing");
  const std::string& secret = *key[0][0];
  const std::string code = random_digits(kDigits);
  // a message sent again (a retry) gets a new code: the earlier one stops working
  execute(db_, "UPDATE agreement_codes SET code_hmac = :a, sent_at = :b, expires_at = :c, attempts = 0 WHERE id = :d",
          {code_mac(secret, id, code), now, audit_time_after(AgreementPolicy::kCodeMinutes * 60LL), id});
  return code;
}

CodeVerdict AgreementCodes::check(const std::string& number, long long version, const std::string& link_id,
                                  const std::string& code, const std::string& secret, const std::string& now) {
  CodeVerdict v;
  auto rows = select_rows(db_,
                          "SELECT id, code_hmac, expires_at, attempts, used_at FROM agreement_codes "
                          "WHERE number = :a AND version = :b AND link_id = :c ORDER BY id DESC LIMIT 1",
                          {number, version, link_id}, 5);
  if (rows.empty() || rows[0][4]) return v;  // none asked, or the latest was used
  v.id = std::stoll(*rows[0][0]);
  const int attempts = std::stoi(rows[0][3].value_or("0"));
  v.tries_left = AgreementPolicy::kCodeTries - attempts;
  if (!rows[0][1]) {
    v.kind = CodeVerdict::Kind::not_sent;
    return v;
  }
  if (now >= rows[0][2].value_or("")) {
    v.kind = CodeVerdict::Kind::expired;
    return v;
  }
  if (v.tries_left <= 0) {
    v.kind = CodeVerdict::Kind::exhausted;
    return v;
  }
  if (code.size() == static_cast<std::size_t>(kDigits) &&
      constant_time_equal(code_mac(secret, v.id, code), *rows[0][1])) {
    v.kind = CodeVerdict::Kind::ok;
    return v;
  }
  execute(db_, "UPDATE agreement_codes SET attempts = attempts + 1 WHERE id = :a", {v.id});
  v.kind = --v.tries_left <= 0 ? CodeVerdict::Kind::exhausted : CodeVerdict::Kind::wrong;
  return v;
}

bool AgreementCodes::use(long long id, const std::string& now) {
  return execute(db_, "UPDATE agreement_codes SET used_at = :a WHERE id = :b AND used_at IS NULL AND attempts < :c",
                 {now, id, static_cast<long long>(AgreementPolicy::kCodeTries)}) == 1;
}

}  // namespace hoshi::records
