#include "http/staff_auth.hpp"

#include <ctime>
#include <map>

#include "core/secret.hpp"
#include "core/sha256.hpp"
#include "store/sessions.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

namespace {
constexpr long long kSessionLife = 8 * 3600;  // seconds

long long unix_now() { return static_cast<long long>(std::time(nullptr)); }

void clear_cookie(Exchange& ex) {
  ex.set_header("Set-Cookie", std::string(StaffAuth::kCookie) + "=; Path=/erp/; HttpOnly; SameSite=Strict; Max-Age=0" +
                                  ex.cookie_secure());
}
}  // namespace

const std::string& StaffAuth::secret() {
  std::lock_guard lock(mutex_);
  if (secret_.empty())
    secret_ = svc_.with_repos<records::ServerSecrets>([](records::ServerSecrets& s) { return s.get("staff-link"); });
  return secret_;
}

Caller StaffAuth::require(const Exchange& ex, records::Role need) {
  if (!ex.header("Authorization").empty()) return keys_.require(ex, need);
  const std::string sid = ex.cookie(kCookie);
  if (sid.empty())
    throw HttpError(401, "Unauthorized", "open this screen from the ERP (its link signs you in), or send an API key");
  const std::string id = sha256_hex(sid);
  // read from the store on every request: a session opened on another server works here,
  // and one ended anywhere ends here at once
  const auto s = svc_.with_repos<records::StaffSessions>([&](records::StaffSessions& ss) { return ss.find(id); });
  if (!s || s->ended_at)
    throw HttpError(401, "Unauthorized",
                    s ? "you signed out: open the screen from the ERP again"
                      : "the session has ended: open the screen from the ERP again");
  if (!s->live(unix_now()))
    throw HttpError(401, "Unauthorized", "the session has ended: open the screen from the ERP again");
  Caller c;
  c.key.name = s->key_name;
  c.key.role = s->role;
  c.actor = s->actor;
  c.via = s->via;
  c.session = id;
  c.csrf = s->csrf;
  if (static_cast<int>(c.key.role) < static_cast<int>(need))
    throw HttpError(403, "Forbidden",
                    std::string("this needs the ") + records::role_name(need) + " role; you have " +
                        records::role_name(c.key.role));
  return c;
}

void StaffAuth::login(Exchange& ex) {
  const std::string address = ex.client_address();
  std::map<std::string, std::string> q(ex.query_params().begin(), ex.query_params().end());
  const long long now = unix_now();
  std::string why;
  std::optional<records::StaffClaims> claims = records::check_staff_link(secret(), q, now, why);
  // a link whose signature holds is taken even from an address past its allowance (behind
  // a proxy every person shares one address); a forged one waits out the allowance
  if (!claims)
    if (long wait = limiter_.blocked_for(address); wait > 0)
      throw HttpError(429, "Too Many Requests",
                      "too many bad links from this address; try again in " + std::to_string(wait) + " s");
  const std::string sid = random_token(32);
  if (claims) {
    records::StaffSession s;
    s.id = sha256_hex(sid);
    s.role = claims->role;
    s.actor = claims->user;
    s.key_name = "erp-link";
    s.via = "erp-link";
    s.csrf = random_token(32);
    s.expires_at = now + kSessionLife;
    // the nonce's primary key decides, across every server: a second use writes nothing
    const bool opened = svc_.with_repos<records::StaffSessions>([&](records::StaffSessions& sessions) {
      return sessions.open_with_nonce(claims->nonce, claims->expires, s, now);
    });
    if (!opened) {
      claims.reset();
      why = "the link was already used";
    }
  }
  if (!claims) {
    limiter_.failed(address);
    const bool gone = why.find("expired") != std::string::npos || why.find("used") != std::string::npos;
    throw HttpError(gone ? 410 : 403, gone ? "Gone" : "Forbidden", why + ": open the screen from the ERP again");
  }
  ex.set_header("Set-Cookie", std::string(kCookie) + "=" + sid + "; Path=/erp/; HttpOnly; SameSite=Strict; Max-Age=" +
                                  std::to_string(kSessionLife) + ex.cookie_secure());
  ex.set_header("Location", claims->next);
  ex.send(303, "text/plain; charset=utf-8", "");
}

void StaffAuth::logout(Exchange& ex, const std::string& presented_csrf, const std::string& signed_out) {
  const std::string sid = ex.cookie(kCookie);
  if (!sid.empty()) {
    const std::string id = sha256_hex(sid);
    svc_.with_repos<records::StaffSessions>([&](records::StaffSessions& sessions) {
      const auto s = sessions.find(id);
      // a live session ends only on its own form's token; one already ended or unknown
      // has nothing left to end (the cookie is cleared all the same)
      if (s && s->live(unix_now())) {
        if (presented_csrf.empty() || !constant_time_equal(s->csrf, presented_csrf))
          throw HttpError(403, "Forbidden",
                          "the form's security token does not match: reload the page and send it again");
        sessions.end(id, unix_now());
      }
      return 0;
    });
  }
  clear_cookie(ex);
  ex.set_header("Location", signed_out);
  ex.send(303, "text/plain; charset=utf-8", "");
}

std::string StaffAuth::csrf_token(const Caller& c) {
  if (!c.session.empty()) return c.csrf;  // the session row's own token (read by require)
  return hmac_sha256(secret(), "csrf\n" + c.key.id + "\n" + c.actor);
}

void StaffAuth::check_csrf(const Caller& c, const std::string& presented) {
  const std::string expected = csrf_token(c);
  if (presented.empty() || expected.empty() || !constant_time_equal(expected, presented))
    throw HttpError(403, "Forbidden", "the form's security token does not match: reload the page and send it again");
}

}  // namespace hoshi::http
