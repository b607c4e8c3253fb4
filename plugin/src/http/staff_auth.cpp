#include "http/staff_auth.hpp"

#include <ctime>
#include <map>

#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "records/staff_link.hpp"

namespace hoshi::http {

namespace {
constexpr auto kSessionLife = std::chrono::hours(8);
constexpr std::size_t kMaxSessions = 10000;

}  // namespace

const std::string& StaffAuth::secret() {
  // (mutex_ held)
  if (secret_.empty())
    secret_ = svc_.with_db([](store::Database& db) { return records::server_secret(db, "staff-link"); });
  return secret_;
}

Caller StaffAuth::require(const Exchange& ex, records::Role need) {
  if (!ex.header("Authorization").empty()) return keys_.require(ex, need);
  const std::string sid = ex.cookie(kCookie);
  if (sid.empty())
    throw HttpError(401, "Unauthorized", "open this screen from the ERP (its link signs you in), or send an API key");
  Caller c;
  {
    std::lock_guard lock(mutex_);
    const std::string id = sha256_hex(sid);
    auto it = sessions_.find(id);
    if (it == sessions_.end() || std::chrono::steady_clock::now() >= it->second.expires) {
      if (it != sessions_.end()) sessions_.erase(it);
      throw HttpError(401, "Unauthorized", "the session has ended: open the screen from the ERP again");
    }
    c = it->second.caller;
    c.session = id;
  }
  if (static_cast<int>(c.key.role) < static_cast<int>(need))
    throw HttpError(403, "Forbidden",
                    std::string("this needs the ") + records::role_name(need) + " role; you have " +
                        records::role_name(c.key.role));
  return c;
}

void StaffAuth::login(Exchange& ex) {
  const std::string address = ex.client_address();
  if (long wait = limiter_.blocked_for(address); wait > 0)
    throw HttpError(429, "Too Many Requests",
                    "too many bad links from this address; try again in " + std::to_string(wait) + " s");
  std::map<std::string, std::string> q(ex.query_params().begin(), ex.query_params().end());
  const long long now = static_cast<long long>(std::time(nullptr));
  std::string why;
  std::optional<records::StaffClaims> claims;
  {
    std::lock_guard lock(mutex_);
    claims = records::check_staff_link(secret(), q, now, why);
    if (claims) {
      for (auto it = used_nonces_.begin(); it != used_nonces_.end();)
        it = it->second <= now ? used_nonces_.erase(it) : std::next(it);
      if (!used_nonces_.emplace(claims->nonce, claims->expires).second) {
        claims.reset();
        why = "the link was already used";
      }
    }
  }
  if (!claims) {
    limiter_.failed(address);
    const bool gone = why.find("expired") != std::string::npos || why.find("used") != std::string::npos;
    throw HttpError(gone ? 410 : 403, gone ? "Gone" : "Forbidden", why + ": open the screen from the ERP again");
  }
  Session s;
  s.caller.key.name = "erp-link";
  s.caller.key.role = claims->role;
  s.caller.actor = claims->user;
  s.caller.via = "erp-link";
  s.csrf = random_token(32);
  s.expires = std::chrono::steady_clock::now() + kSessionLife;
  const std::string sid = random_token(32);
  {
    std::lock_guard lock(mutex_);
    if (sessions_.size() >= kMaxSessions) {
      const auto t = std::chrono::steady_clock::now();
      for (auto it = sessions_.begin(); it != sessions_.end();)
        it = it->second.expires <= t ? sessions_.erase(it) : std::next(it);
      if (sessions_.size() >= kMaxSessions) sessions_.erase(sessions_.begin());
    }
    sessions_[sha256_hex(sid)] = std::move(s);
  }
  ex.set_header("Set-Cookie",
                std::string(kCookie) + "=" + sid + "; Path=/erp/; HttpOnly; SameSite=Strict; Max-Age=" +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kSessionLife).count()) +
                    ex.cookie_secure());
  ex.set_header("Location", claims->next);
  ex.send(303, "text/plain; charset=utf-8", "");
}

std::string StaffAuth::csrf_token(const Caller& c) {
  std::lock_guard lock(mutex_);
  if (!c.session.empty()) {
    auto it = sessions_.find(c.session);
    return it == sessions_.end() ? std::string() : it->second.csrf;
  }
  return hmac_sha256(secret(), "csrf\n" + c.key.id + "\n" + c.actor);
}

void StaffAuth::check_csrf(const Caller& c, const std::string& presented) {
  const std::string expected = csrf_token(c);
  if (presented.empty() || expected.empty() || !constant_time_equal(expected, presented))
    throw HttpError(403, "Forbidden", "the form's security token does not match: reload the page and send it again");
}

}  // namespace hoshi::http
