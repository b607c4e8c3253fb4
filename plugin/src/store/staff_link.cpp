#include "store/staff_link.hpp"

#include <stdexcept>

#include "core/error.hpp"
#include "core/secret.hpp"
#include "core/text.hpp"
#include "store/rows.hpp"

namespace hoshi::records {

namespace {
constexpr long long kMaxTtl = 3600;

std::string canonical(const StaffClaims& c) {
  return "hoshitori-staff-link-v1\n" + c.user + "\n" + role_name(c.role) + "\n" + c.next + "\n" +
         std::to_string(c.expires) + "\n" + c.nonce;
}

bool safe_next(const std::string& next) {
  // a path on this server under /erp/: no scheme, no host, no backslash tricks
  const std::string path = next.substr(0, next.find('?'));
  return next.rfind("/erp/", 0) == 0 && next.find("//") == std::string::npos && next.find('\\') == std::string::npos &&
         next.find_first_of("\r\n\t ") == std::string::npos && path.find("..") == std::string::npos &&
         path.find('%') == std::string::npos;
}
}  // namespace

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string server_secret(store::Database& db, const std::string& name) {
  return db.guarded([&] {
    auto rows = store::select_rows(db, "SELECT value FROM server_secrets WHERE name = :a", {name}, 1);
    if (!rows.empty()) return *rows[0][0];
    store::WriteTransaction tx(db);
    store::execute(db, "INSERT INTO server_secrets (name, value) VALUES (:a, :b) ON CONFLICT (name) DO NOTHING",
                   {name, random_token(32)});
    rows = store::select_rows(db, "SELECT value FROM server_secrets WHERE name = :a", {name}, 1);
    tx.commit();
    return *rows.at(0)[0];
  });
}

std::string mint_staff_link(const std::string& secret, StaffClaims c, long long now, long long ttl) {
  if (text::visible_length(c.user) == 0 || c.user.size() > 200 || !text::is_valid_utf8(c.user) ||
      c.user.find_first_of("\r\n\t") != std::string::npos)
    throw Error(Code::invalid, "the user must be one line of text (at most 200 bytes)");
  if (c.next.empty()) c.next = "/erp/";
  if (!safe_next(c.next)) throw Error(Code::invalid, "the link can only lead to a page under /erp/");
  if (ttl <= 0 || ttl > kMaxTtl) throw Error(Code::invalid, "a link lives between 1 and 3600 seconds");
  c.expires = now + ttl;
  c.nonce = random_token(16);
  const std::string sig = hmac_sha256(secret, canonical(c));
  return "/erp/login?u=" + url_encode(c.user) + "&r=" + role_name(c.role) + "&next=" + url_encode(c.next) +
         "&e=" + std::to_string(c.expires) + "&n=" + c.nonce + "&s=" + sig;
}

std::optional<StaffClaims> check_staff_link(const std::string& secret, const std::map<std::string, std::string>& q,
                                            long long now, std::string& why) {
  auto get = [&](const char* k) {
    auto it = q.find(k);
    return it == q.end() ? std::string() : it->second;
  };
  StaffClaims c;
  c.user = get("u");
  c.next = get("next");
  c.nonce = get("n");
  const std::string e = get("e"), sig = get("s");
  if (c.user.empty() || c.nonce.empty() || sig.empty() || e.empty() || e.size() > 12 ||
      e.find_first_not_of("0123456789") != std::string::npos || !parse_role(get("r"), c.role) || !safe_next(c.next)) {
    why = "the link is incomplete";
    return std::nullopt;
  }
  c.expires = std::stoll(e);
  if (!constant_time_equal(hmac_sha256(secret, canonical(c)), sig)) {
    why = "the link's signature does not match";
    return std::nullopt;
  }
  if (now >= c.expires) {
    why = "the link has expired";
    return std::nullopt;
  }
  return c;
}

}  // namespace hoshi::records
