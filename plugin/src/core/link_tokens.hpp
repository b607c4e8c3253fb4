// What every link token shares — the supplier's request links, its standing link and its
// briefing links: an expiry `days` from now in the audit trail's UTC form, and the shape of
// a token (43 characters of base64url: 256 random bits) checked before any look-up.
#pragma once
#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timespan.h>

#include <string>

namespace hoshi::records {

inline std::string utc_in_days(int days) {
  Poco::DateTime t;
  t += Poco::Timespan(days, 0, 0, 0, 0);
  return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%S.%iZ");
}

inline bool token_shaped(const std::string& t) {
  if (t.size() != 43) return false;
  for (char c : t)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace hoshi::records
