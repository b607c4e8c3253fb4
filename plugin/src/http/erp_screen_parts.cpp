#include "http/erp_screen_parts.hpp"

#include <Poco/JSON/Parser.h>

#include "api/json_api.hpp"
#include "core/levels.hpp"
#include "core/standing.hpp"
#include "http/exchange.hpp"
#include "http/http_error.hpp"
#include "service/json_args.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http::screen_parts {

using Poco::JSON::Object;
using records::url_encode;

const char* symbol(const std::string& standing) {
  Standing s = Standing::unknown;
  parse_standing(standing, s);
  return vocab::kStandingSymbols[static_cast<int>(s)].data();
}

namespace {
bool on_interim(const Object::Ptr& s) { return !s->isNull("basis") && s->getValue<std::string>("basis") == "interim"; }

std::string with_level(std::string words, int level) {
  if (auto at = words.find("{n}"); at != std::string::npos) words.replace(at, 3, std::to_string(level));
  return words;
}
}  // namespace

std::string standing_words(const Object::Ptr& s, const Object::Ptr& t) {
  const std::string st = s->getValue<std::string>("standing");
  if (!on_interim(s)) return t->getValue<std::string>(st);
  return with_level(t->getValue<std::string>(st == "expiring" ? "interim_expiring" : "interim_label"),
                    s->getValue<int>("required_scs"));
}

const char* standing_symbol(const Object::Ptr& s) {
  if (on_interim(s) && s->getValue<std::string>("standing") == "meets") return vocab::kInterimSymbol.data();
  return symbol(s->getValue<std::string>("standing"));
}

Poco::JSON::Array::Ptr interim_rules(const Policy& policy, const Object::Ptr& t) {
  Poco::JSON::Array::Ptr out = new Poco::JSON::Array;
  for (const auto& rule : policy.interim) {
    std::string label;
    for (int level : rule.for_required)
      label += (label.empty() ? "" : "、") + with_level(t->getValue<std::string>("interim_label"), level);
    auto o = api::obj();
    o->set("label", label);
    o->set("description", rule.description);
    o->set("until", rule.until.iso());
    out->add(o);
  }
  return out;
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

namespace {
// "／同等のサービス（2027-06-30 まで）" when the supplier reported one; "" otherwise
std::string equivalent_text(const Object::Ptr& s, const Object::Ptr& t) {
  auto eq = s->getObject("equivalent");
  if (!eq || eq->isNull("description")) return {};
  std::string out = "／" + t->getValue<std::string>("equivalent");
  if (!eq->isNull("until"))
    out += "（" + eq->getValue<std::string>("until") + " " + t->getValue<std::string>("until") + "）";
  return out;
}
}  // namespace

std::string ota_text(const Object::Ptr& s, const Object::Ptr& t) {
  auto ota = s->getObject("otasuketai");
  std::string out;
  if (!ota->getValue<bool>("reported")) {
    out = t->getValue<std::string>("not_reported");
  } else if (ota->getValue<bool>("active")) {
    out = t->getValue<std::string>("active");
    if (!ota->isNull("end"))
      out += "（" + ota->getValue<std::string>("end") + " " + t->getValue<std::string>("until") + "）";
  } else {
    out = t->getValue<std::string>("inactive_ota");
  }
  return out + equivalent_text(s, t);
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
  } catch (const Error& e) {  // the caller's mistakes show the form again (400)
    const HttpError h = http_error(e);
    if (h.status == 404 || h.status >= 500) throw h;
    throw HttpError(400, "Bad Request", e.what());
  }
}

}  // namespace hoshi::http::screen_parts
