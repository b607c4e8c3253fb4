#include "http/auth.hpp"

#include "core/text.hpp"

namespace hoshi::http {

std::string user_header(const std::string& raw) {
  std::string v = raw;
  if (v.size() >= 7 && (v.compare(0, 7, "UTF-8''") == 0 || v.compare(0, 7, "utf-8''") == 0)) try {
      v = percent_decode(v.substr(7), false);
    } catch (const HttpError&) {
      throw HttpError(400, "Bad Request", "X-Hoshitori-User has a bad percent-encoding (UTF-8''%E5%B1%B1…)");
    }
  if (!text::is_valid_utf8(v)) throw HttpError(400, "Bad Request", "X-Hoshitori-User is not UTF-8");
  if (v.size() > 200) throw HttpError(400, "Bad Request", "X-Hoshitori-User is longer than 200 bytes");
  if (text::strip_hidden(v) != v)
    throw HttpError(400, "Bad Request",
                    "X-Hoshitori-User contains control, invisible or direction-changing characters");
  return v;
}

Caller Authenticator::require(const Exchange& ex, records::Role need) {
  const std::string address = ex.client_address();
  const std::string auth = ex.header("Authorization");
  const std::string scheme = "Bearer ";
  if (auth.size() <= scheme.size() || auth.compare(0, scheme.size(), scheme) != 0)
    throw HttpError(401, "Unauthorized",
                    "send an API key as \"Authorization: Bearer hsk_…\" (hoshitori apikey create)");
  const std::string presented = auth.substr(scheme.size());
  // asked of the store every time: nothing that decides who may act is trusted for a while.
  // A key that is good is taken even from an address past its allowance of bad ones (behind
  // a proxy every client shares one address: a guesser must not lock the host out); the
  // allowance slows the guessing, which a 256-bit key makes hopeless anyway.
  const std::optional<records::ApiKey> key =
      svc_.with_repos<records::ApiKeys>([&](records::ApiKeys& keys) { return keys.authenticate(presented); });
  if (!key) {
    if (long wait = limiter_.blocked_for(address); wait > 0) {
      auto extra = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
      extra->set("retry_after", wait);
      throw HttpError(429, "Too Many Requests",
                      "too many bad keys from this address; try again in " + std::to_string(wait) + " s", extra);
    }
    limiter_.failed(address);
    throw HttpError(401, "Unauthorized", "the API key is unknown or revoked");
  }
  if (static_cast<int>(key->role) < static_cast<int>(need))
    throw HttpError(403, "Forbidden",
                    std::string("this needs a ") + records::role_name(need) + " key; \"" + key->name + "\" is a " +
                        records::role_name(key->role) + " key");
  Caller c;
  c.key = *key;
  const std::string user = user_header(ex.header("X-Hoshitori-User"));
  c.actor = text::visible_length(user) > 0 ? user : key->name;
  c.via = "apikey:" + key->name;
  return c;
}

}  // namespace hoshi::http
