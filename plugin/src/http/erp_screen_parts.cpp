#include "http/erp_screen_parts.hpp"

#include <Poco/JSON/Parser.h>

#include "core/levels.hpp"
#include "hoshitori/hoshitori.h"
#include "http/exchange.hpp"
#include "records/staff_link.hpp"
#include "service/json_api.hpp"

namespace hoshi::http::screen_parts {

using Poco::JSON::Object;
using records::url_encode;

const char* symbol(const std::string& standing) {
  if (standing == "meets") return "◎";
  if (standing == "expiring") return "△";
  if (standing == "expired" || standing == "below") return "✕";
  return "？";
}

std::string query_string(const std::vector<std::pair<std::string, std::string>>& q) {
  std::string out;
  for (const auto& [k, v] : q) {
    if (v.empty()) continue;
    out += (out.empty() ? "?" : "&") + url_encode(k) + "=" + url_encode(v);
  }
  return out;
}

std::string screen_query(const ScreenRequest& r) {
  return query_string({{"lang", r.lang != "ja" ? r.lang : ""}, {"fragment", r.fragment ? "1" : ""}});
}

std::string get(const ScreenRequest& r, const std::string& key) {
  for (const auto& [k, v] : r.query)
    if (k == key) return v;
  return {};
}

std::string ota_text(const Object::Ptr& s, const Object::Ptr& t) {
  auto ota = s->getObject("otasuketai");
  if (!ota->getValue<bool>("reported")) return t->getValue<std::string>("not_reported");
  if (ota->getValue<bool>("active")) {
    std::string out = t->getValue<std::string>("active");
    if (!ota->isNull("end"))
      out += "（" + ota->getValue<std::string>("end") + " " + t->getValue<std::string>("until") + "）";
    return out;
  }
  return t->getValue<std::string>("inactive_ota");
}

std::string level_text(const Object::Ptr& s, const char* key, const Object::Ptr& t) {
  auto o = s->getObject(key);
  if (!o->getValue<bool>("reported")) return t->getValue<std::string>("not_reported");
  const int level = o->getValue<int>("level");
  std::string out = std::string(key) == "sa" ? levels::sa_symbol(level) : levels::scs_symbol(level);
  if (std::string(key) == "scs" && !o->isNull("valid_until"))
    out += "（" + o->getValue<std::string>("valid_until") + " " + t->getValue<std::string>("until") + "）";
  return out;
}
Object::Ptr run_op(Service& svc, const Object::Ptr& op) {
  try {
    return Poco::JSON::Parser().parse(api::handle(svc, api::to_string(op))).extract<Object::Ptr>();
  } catch (const api::ApiError& e) {
    throw HttpError(e.code == HOSHITORI_NOTFOUND ? 404 : 400,
                    e.code == HOSHITORI_NOTFOUND ? "Not Found" : "Bad Request", e.what());
  }
}

}  // namespace hoshi::http::screen_parts
