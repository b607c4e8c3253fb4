#include "store/api_keys.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>
#include <stdexcept>

#include "core/error.hpp"
#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "store/audit_log.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

using store::execute;
using store::Row;
using store::select_rows;

namespace {
constexpr const char* kPrefix = "hsk_";
constexpr std::size_t kIdBytes = 9;       // 12 characters
constexpr std::size_t kSecretBytes = 32;  // 256 bits, 43 characters

ApiKey key_from(Row& r) {
  ApiKey k;
  k.id = std::move(*r[0]);
  k.name = std::move(*r[1]);
  parse_role(*r[2], k.role);
  k.created_at = std::move(*r[3]);
  k.created_by = std::move(*r[4]);
  k.revoked_at = std::move(r[5]);
  k.revoked_by = std::move(r[6]);
  return k;
}
constexpr const char* kColumns = "id, name, role, created_at, created_by, revoked_at, revoked_by";

std::string event_json(const ApiKey& k) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", k.id);
  o.set("name", k.name);
  o.set("role", role_name(k.role));
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}
}  // namespace

const char* role_name(Role r) {
  switch (r) {
    case Role::viewer:
      return "viewer";
    case Role::buyer:
      return "buyer";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

bool parse_role(const std::string& s, Role& out) {
  for (Role r : {Role::viewer, Role::buyer, Role::admin})
    if (s == role_name(r)) {
      out = r;
      return true;
    }
  return false;
}

CreatedKey ApiKeys::create(const std::string& name, Role role, const std::string& actor) {
  if (text::visible_length(name) == 0) throw Error(Code::invalid, "the key needs a name (whose key is it?)");
  if (name.size() > 200) throw Error(Code::invalid, "the key's name is longer than 200 bytes");
  if (!text::is_valid_utf8(name)) throw Error(Code::invalid, "the key's name is not UTF-8");
  CreatedKey out;
  out.key.name = name;
  out.key.role = role;
  out.key.created_by = actor;
  const std::string secret = random_token(kSecretBytes);
  return db_.guarded([&] {
    store::WriteTransaction tx(db_);
    if (!select_rows(db_, "SELECT id FROM api_keys WHERE name = :a AND revoked_at IS NULL", {name}, 1).empty())
      throw Error(Code::conflict,
                  "a live key is already named \"" + name + "\" (revoke it first, or pick another name)");
    out.key.id = random_token(kIdBytes);
    out.key.created_at = audit_now();
    execute(db_,
            "INSERT INTO api_keys (id, name, role, secret_sha256, created_at, created_by) "
            "VALUES (:a, :b, :c, :d, :e, :f)",
            {out.key.id, name, std::string(role_name(role)), sha256_hex(secret), out.key.created_at, actor});
    AuditLog(db_, via_).append(
        {actor, "apikey.created", "apikey:" + name, std::nullopt, std::nullopt, event_json(out.key)});
    tx.commit();
    out.secret = kPrefix + out.key.id + "_" + secret;
    return out;
  });
}

std::optional<ApiKey> ApiKeys::authenticate(const std::string& presented) {
  // hsk_<12 chars>_<43 chars>; anything else is not a key
  const std::size_t id_len = (kIdBytes * 4 + 2) / 3, secret_len = (kSecretBytes * 4 + 2) / 3;
  if (presented.size() != 4 + id_len + 1 + secret_len || presented.compare(0, 4, kPrefix) != 0 ||
      presented[4 + id_len] != '_')
    return std::nullopt;
  const std::string id = presented.substr(4, id_len), secret = presented.substr(5 + id_len);
  // asked on every request (the server trusts nothing from memory): one primary-key read
  auto row = db_.guarded([&] {
    return store::select_one(db_, std::string("SELECT ") + kColumns + ", secret_sha256 FROM api_keys WHERE id = :a",
                             {id}, 8);
  });
  if (!row) return std::nullopt;
  const bool match = constant_time_equal(sha256_hex(secret), *(*row)[7]);
  ApiKey k = key_from(*row);
  if (!match || k.revoked_at) return std::nullopt;
  return k;
}

std::vector<ApiKey> ApiKeys::list() {
  std::vector<ApiKey> out;
  db_.guarded([&] {
    for (auto& r :
         select_rows(db_, std::string("SELECT ") + kColumns + " FROM api_keys ORDER BY created_at, id", {}, 7))
      out.push_back(key_from(r));
  });
  return out;
}

bool ApiKeys::revoke(const std::string& name, const std::string& actor) {
  return db_.guarded([&] {
    store::WriteTransaction tx(db_);
    auto rows = select_rows(
        db_, std::string("SELECT ") + kColumns + " FROM api_keys WHERE name = :a AND revoked_at IS NULL", {name}, 7);
    if (rows.empty()) return false;
    ApiKey k = key_from(rows[0]);
    const std::string now = audit_now();
    execute(db_, "UPDATE api_keys SET revoked_at = :a, revoked_by = :b WHERE id = :c", {now, actor, k.id});
    AuditLog(db_, via_).append({actor, "apikey.revoked", "apikey:" + name, std::nullopt, event_json(k), std::nullopt});
    tx.commit();
    return true;
  });
}

}  // namespace hoshi::records
