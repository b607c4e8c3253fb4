#include "http/erp_request_form.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "api/json_api.hpp"
#include "core/text.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/exchange.hpp"
#include "http/http_error.hpp"
#include "service/json_args.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;

FormFields parse_form_fields(const std::string& body) {
  FormFields out;
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string pair = body.substr(pos, amp - pos);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      std::string k = percent_decode(pair.substr(0, eq), true);
      std::string v = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1), true);
      if (!text::is_valid_utf8(k) || !text::is_valid_utf8(v))
        throw HttpError(400, "Bad Request", "the form was not sent as UTF-8");
      out.emplace_back(std::move(k), std::move(v));
    }
    pos = amp + 1;
  }
  return out;
}

std::string form_value(const FormFields& f, const std::string& key) {
  for (const auto& [k, v] : f)
    if (k == key) return text::trim(v);
  return {};
}

void require_offered(const FormFields& f, const std::string& key, const std::vector<std::string>& offered) {
  for (const auto& [k, raw] : f) {
    if (k != key) continue;
    const std::string v = text::trim(raw);
    if (v.empty() || std::find(offered.begin(), offered.end(), v) != offered.end()) continue;
    std::string list;
    for (const auto& o : offered) list += (list.empty() ? "" : ", ") + o;
    throw HttpError(
        400, "Bad Request",
        key + ": \"" + std::string(text::utf8_prefix(v, 80)) + "\" is not one of the form's choices (" + list + ")");
  }
}

namespace {
// The cost-sharing methods (sent as they are) and their labels' keys.
const std::pair<const char*, const char*> kMethods[] = {{"全額負担", "rf_m_full"},
                                                        {"折半", "rf_m_half"},
                                                        {"取引シェア按分", "rf_m_share"},
                                                        {"価格転嫁協議", "rf_m_pass"},
                                                        {"その他", "rf_m_other"}};

// The rule checks' details name the JSON fields too: the same words, in this screen's labels.
const std::pair<const char*, const char*> kScreenWords[] = {
    {"cost_sharing.negotiable が true ではありません",
     "「費用は価格交渉の対象であることを明記する」にチェックがありません"},
    {"cost_sharing がありません", "費用の負担が書かれていません"},
    {"cost_sharing.method（分担の方法）", "「負担の方法」"},
    {"cost_sharing.explanation", "「取引先への説明」"},
    {"（designated_service_mandatory: true）", ""},
    {"designated_service_mandatory が true です", "「利用を取引の条件にする」にチェックがあります"},
    {"必要性の説明（necessity）", "「その必要性」の説明"},
};

std::string screen_words(std::string text) {
  for (const auto& [from, to] : kScreenWords)
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + std::strlen(to)))
      text.replace(at, std::strlen(from), to);
  return text;
}

// The rules that did not pass, for the results list, in this screen's words: its
// remedy ("remedy_" + the rule id in labels.yaml) and, in Japanese, its field labels.
void set_notes(Object::Ptr res, const Array::Ptr& rules, const Object::Ptr& t, bool japanese) {
  Array::Ptr notes = new Array;
  for (std::size_t i = 0; rules && i < rules->size(); ++i) {
    auto rule = rules->getObject(static_cast<unsigned>(i));
    if (rule->getValue<std::string>("result") == "pass") continue;
    const std::string id = rule->optValue<std::string>("rule", "");
    std::string key = "remedy_" + id;
    std::replace(key.begin(), key.end(), '-', '_');
    if (t->has(key)) rule->set("remedy", t->getValue<std::string>(key));
    if (japanese && rule->has("detail") && !rule->isNull("detail"))
      rule->set("detail", screen_words(rule->getValue<std::string>("detail")));
    notes->add(rule);
  }
  res->set("notes", notes);
  res->set("has_notes", notes->size() > 0);
}
const std::pair<const char*, const char*> kLevels[] = {
    {"3", "rf_level_3"}, {"4", "rf_level_4"}, {"SA2", "rf_level_sa2"}};
constexpr std::size_t kMaxSuppliers = 200;

std::vector<std::string> all(const FormFields& f, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& [k, v] : f)
    if (k == key) out.push_back(v);
  return out;
}

// "V0001 V0002,V0003\n…" → codes, each once, in order.
std::vector<std::string> supplier_codes(const std::string& text) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && seen.insert(cur).second) out.push_back(cur);
    cur.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == ',' || c == '\n' || c == '\r' || c == '\t' || c == ';')
      flush();
    else
      cur += c;
  }
  flush();
  return out;
}

Object::Ptr request_json(const FormFields& f, const std::string& code) {
  auto r = obj();
  r->set("supplier", code);
  r->set("level", form_value(f, "level"));
  r->set("due", form_value(f, "due"));
  r->set("reason", form_value(f, "reason"));
  r->set("necessity", form_value(f, "necessity"));
  Array::Ptr items = new Array;
  for (const auto& i : all(f, "item")) items->add(i);
  r->set("items", items);
  auto cs = obj();
  cs->set("method", form_value(f, "cost_method"));
  cs->set("explanation", form_value(f, "cost_explanation"));
  cs->set("negotiable", form_value(f, "negotiable") == "yes");
  r->set("cost_sharing", cs);
  const std::string designated = form_value(f, "designated_service");
  r->set("designated_service", designated.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(designated));
  r->set("designated_service_mandatory", form_value(f, "designated_mandatory") == "yes");
  return r;
}
}  // namespace

void check_offered_choices(const FormFields& f, const Catalogs& catalogs) {
  std::vector<std::string> levels, methods, items;
  for (const auto& [value, label] : kLevels) levels.emplace_back(value);
  for (const auto& [m, label] : kMethods) methods.emplace_back(m);
  for (const auto& r : catalogs.scs.requirements) items.push_back(r.no);
  require_offered(f, "level", levels);
  require_offered(f, "cost_method", methods);
  require_offered(f, "item", items);
  require_offered(f, "negotiable", {"yes"});
  require_offered(f, "designated_mandatory", {"yes"});
  require_offered(f, "action", {"check", "issue"});
}

Array::Ptr level_options(const Object::Ptr& t, const std::string& selected) {
  Array::Ptr levels = new Array;
  for (const auto& [value, label] : kLevels) {
    auto o = obj();
    o->set("value", value);
    o->set("label", t->getValue<std::string>(label));
    o->set("selected", selected == value);
    levels->add(o);
  }
  return levels;
}

Array::Ptr method_options(const Object::Ptr& t, const std::string& selected) {
  Array::Ptr methods = new Array;
  for (const auto& [m, label] : kMethods) {
    auto o = obj();
    o->set("value", std::string(m));
    o->set("label", t->getValue<std::string>(label));
    o->set("selected", selected == m);
    methods->add(o);
  }
  return methods;
}

std::string request_form_screen(ErpScreens& screens, const ScreenRequest& r, const FormFields* posted,
                                const std::string& csrf) {
  Service& svc = screens.service();
  auto ctx = screens.base_context(r);
  const Object::Ptr t = ctx->getObject("t");
  FormFields f;
  if (posted) {
    f = *posted;
  } else {
    for (const auto& [k, v] : r.query)
      if (k == "suppliers") f.emplace_back("suppliers", v);
    f.emplace_back("negotiable", "yes");
    f.emplace_back("level", "3");
  }
  const std::string action = form_value(f, "action");
  if (posted) check_offered_choices(f, svc.catalogs());
  const auto codes = supplier_codes(form_value(f, "suppliers"));
  if (codes.size() > kMaxSuppliers)
    throw HttpError(400, "Bad Request", "at most " + std::to_string(kMaxSuppliers) + " suppliers at once");

  // the form, filled with what was sent
  ctx->set("csrf", csrf);
  ctx->set("form_query", screen_parts::screen_query(r));  // the form posts back in the same language and mode
  ctx->set("suppliers", form_value(f, "suppliers"));
  ctx->set("due", form_value(f, "due"));
  ctx->set("reason", form_value(f, "reason"));
  ctx->set("necessity", form_value(f, "necessity"));
  ctx->set("cost_explanation", form_value(f, "cost_explanation"));
  ctx->set("negotiable", form_value(f, "negotiable") == "yes");
  ctx->set("designated_service", form_value(f, "designated_service"));
  ctx->set("designated_mandatory", form_value(f, "designated_mandatory") == "yes");
  Array::Ptr levels = level_options(t, form_value(f, "level"));
  ctx->set("levels", levels);
  Array::Ptr methods = method_options(t, form_value(f, "cost_method"));
  ctx->set("methods", methods);
  const auto chosen = all(f, "item");
  Array::Ptr items = new Array;
  for (const auto& req : svc.catalogs().scs.requirements) {
    auto o = obj();
    o->set("no", req.no);
    o->set("title", req.title);
    o->set("checked", std::find(chosen.begin(), chosen.end(), req.no) != chosen.end());
    o->set("star4", std::find(req.levels.begin(), req.levels.end(), 3) == req.levels.end());
    items->add(o);
  }
  ctx->set("items", items);

  // 確認する / 発行する: every supplier's verdict, or the numbers issued
  if (posted && (action == "check" || action == "issue")) {
    if (codes.empty()) throw HttpError(400, "Bad Request", "name at least one supplier (vendor codes)");
    Array::Ptr results = new Array;
    bool all_pass = true;
    for (const auto& code : codes) {
      auto res = obj();
      res->set("supplier", code);
      auto op = obj();
      op->set("op", action == "check" ? "request_check" : "request_issue");
      op->set("actor", r.caller.actor);
      op->set("request", request_json(f, code));
      try {
        auto out = Poco::JSON::Parser().parse(api::handle(svc, api::to_string(op))).extract<Object::Ptr>();
        auto guard = out->getObject("guardrails");
        const bool refused = guard->getArray("refused")->size() > 0;
        all_pass = all_pass && !refused;
        res->set("ok", !refused);
        if (refused) res->set("error", t->getValue<std::string>("rf_refused"));
        if (out->has("number")) {
          res->set("number", out->getValue<std::string>("number"));
          res->set("panel", "/erp/suppliers/" + code + (r.lang == "ja" ? "" : "?lang=" + r.lang));
        }
        set_notes(res, guard->getArray("rules"), t, r.lang == "ja");
      } catch (const Error& e) {
        if (http_error(e).status >= 500) throw;
        all_pass = false;
        res->set("ok", false);
        res->set("error", std::string(e.what()));
        if (e.detail) {
          set_notes(res, e.detail->getArray("rules"), t, r.lang == "ja");
          res->set("error", t->getValue<std::string>("rf_refused"));
        }
      }
      results->add(res);
    }
    ctx->set("results", results);
    ctx->set("has_results", results->size() > 0);
    ctx->set("checked", action == "check");
    ctx->set("issued", action == "issue");
    ctx->set("can_issue", action == "check" && all_pass);
  }
  return screens.page(r, t->getValue<std::string>("new_request"), screens.render_template("request_form", ctx));
}

}  // namespace hoshi::http
