#include "http/erp_screens.hpp"

#include <Poco/JSON/Parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "api/json_api.hpp"
#include "catalog/yaml_load.hpp"
#include "core/levels.hpp"
#include "core/standing.hpp"
#include "core/text.hpp"
#include "domain/lifecycles.hpp"
#include "http/coverage_chart.hpp"
#include "http/erp_awaiting.hpp"
#include "http/erp_screen_parts.hpp"
#include "http/exchange.hpp"
#include "service/audit_export.hpp"
#include "service/json_args.hpp"
#include "service/letters.hpp"
#include "service/requests.hpp"
#include "store/staff_link.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Array;
using Poco::JSON::Object;
using records::url_encode;
using namespace screen_parts;

namespace {
constexpr std::size_t kPageSize = 50;
const char* const kStandings[] = {"meets", "expiring", "expired", "below", "unknown"};

}  // namespace

ErpScreens::ErpScreens(Service& svc, const std::string& templates_dir)
    : svc_(svc), dir_(templates_dir + "/web"), templates_(dir_), notice_(svc) {
  const std::string path = dir_ + "/labels.yaml";
  const YAML::Node root = catalog::load_yaml_file(path);  // CatalogError "file:line: …"; no aliases
  std::vector<std::string> keys;
  for (const char* lang : {"ja", "en"}) {
    if (!root[lang] || !root[lang].IsMap()) throw std::runtime_error(path + ": no \"" + lang + "\" words");
    auto words = obj();
    for (const auto& kv : root[lang]) words->set(kv.first.as<std::string>(), kv.second.as<std::string>());
    // the standings' words come from the one vocabulary (core/vocabulary.hpp), never from here
    vocab::Lang l = vocab::Lang::ja;
    vocab::parse_lang(lang, l);
    auto put = [&](std::string_view key, std::string_view word) {
      if (words->has(std::string(key)))
        throw std::runtime_error(path + ": \"" + std::string(key) +
                                 "\" is a word of core/vocabulary.hpp or domain/lifecycles.hpp; remove it here");
      words->set(std::string(key), std::string(word));
    };
    for (Standing s : kAllStandings) put(standing_name(s), standing_word(s, l));
    put("interim_label", vocab::interim_pattern(l, false));
    put("interim_expiring", vocab::interim_pattern(l, true));
    // and the outbox states' words from the message life cycle (domain/lifecycles.hpp)
    for (auto m : {model::MessageState::queued, model::MessageState::claimed, model::MessageState::sent,
                   model::MessageState::failed, model::MessageState::unknown, model::MessageState::cancelled})
      put(std::string("mail_") + model::code(m), model::label(m, l));
    labels_[lang] = words;
  }
  for (const auto& k : labels_["ja"]->getNames())
    if (!labels_["en"]->has(k)) throw std::runtime_error(path + ": \"" + k + "\" has no English word");
  for (const auto& k : labels_["en"]->getNames())
    if (!labels_["ja"]->has(k)) throw std::runtime_error(path + ": \"" + k + "\" has no Japanese word");
  for (const auto& [lang, words] : labels_) {
    auto few = obj();
    for (const char* k : {"app", "dashboard", "new_request", "campaigns", "language", "logout"})
      few->set(k, words->get(k));
    layout_labels_[lang] = few;
  }
}

void ErpScreens::read_common(ScreenRequest& r) {
  const std::string f = get(r, "fragment"), lang = get(r, "lang");
  r.fragment = f == "1" || f == "true";
  if (!lang.empty() && lang != "ja" && lang != "en") throw HttpError(400, "Bad Request", "lang must be ja or en");
  r.lang = lang.empty() ? "ja" : lang;
}

std::string ErpScreens::render_template(const std::string& name, const Object::Ptr& ctx) {
  return templates_.render(name, ctx);
}

Object::Ptr ErpScreens::base_context(const ScreenRequest& r) {
  auto ctx = obj();
  ctx->set("t", labels_.at(r.lang));
  ctx->set("lang", r.lang);
  ctx->set("fragment", r.fragment);
  ctx->set("user", r.caller.actor);
  ctx->set("lang_query", r.lang == "ja" ? "" : "?lang=" + r.lang);
  return ctx;
}

std::string ErpScreens::page(const ScreenRequest& r, const std::string& title, const std::string& body) {
  if (r.fragment) return body;
  auto ctx = base_context(r);
  ctx->set("t", layout_labels_.at(r.lang));  // the layout's words only: cheaper to render
  ctx->set("title", title);
  ctx->set("body", body);
  const std::string other = r.lang == "ja" ? "en" : "ja";
  auto q = r.query;
  bool replaced = false;
  for (auto& [k, v] : q)
    if (k == "lang") {
      v = other;
      replaced = true;
    }
  if (!replaced) q.emplace_back("lang", other);
  std::string path = "/erp/";
  for (const auto& s : r.segments) path += url_encode(s) + "/";
  if (!r.segments.empty()) path.pop_back();
  ctx->set("other_lang", other);
  ctx->set("other_lang_href", path + query_string(q));
  // a person signed in by a link may sign out (a host's proxy key has no session to end)
  ctx->set("signed_in", !r.caller.session.empty() && !r.csrf.empty());
  ctx->set("csrf", r.csrf);
  // the body goes in after rendering, where the layout's last mark is: a page of the board
  // is ~30 kB, not worth copying through the template's data
  static const std::string kMark = "\x01hoshitori-body\x01";
  ctx->set("body", kMark);
  const std::string layout = render_template("layout", ctx);
  const auto at = layout.rfind(kMark);
  if (at == std::string::npos) throw std::runtime_error(dir_ + "/layout.html.mustache: no {{{body}}}");
  std::string html;
  html.reserve(layout.size() + body.size());
  html.append(layout, 0, at).append(body).append(layout, at + kMark.size(), std::string::npos);
  return html;
}

std::string ErpScreens::render(const ScreenRequest& r) {
  if (r.segments.empty()) return dashboard(r);
  if (r.segments.size() == 2 && r.segments[0] == "suppliers") return supplier(r, r.segments[1]);
  throw HttpError(404, "Not Found", "no such screen");
}

std::string ErpScreens::error_page(const ScreenRequest& r, const std::string& title, const std::string& detail) {
  auto ctx = base_context(r);
  ctx->set("title", title);
  ctx->set("detail", detail);
  return page(r, title, render_template("error", ctx));
}

namespace {
// The suppliers op for the dashboard's filters (shared by the page and its CSV).
Object::Ptr list_request(const ScreenRequest& r, std::size_t offset, std::size_t limit) {
  auto op = obj();
  op->set("op", "suppliers");
  for (const char* k : {"standing", "department", "name"})
    if (std::string v = get(r, k); !v.empty()) op->set(k, v);
  op->set("offset", offset);
  op->set("limit", limit);
  return op;
}

}  // namespace

namespace {
constexpr std::size_t kDashboardCacheSize = 512;
}

// Pages of the board are the same for everyone until a supplier or the day changes: kept
// rendered (a buyer paging back and forth, many staff on the same view) and wrapped in
// the layout, which names the user, for each request.
std::string ErpScreens::dashboard(const ScreenRequest& r) {
  const auto version = svc_.board_version();
  std::string key = r.lang + (r.fragment ? "\x1f"
                                           "1"
                                         : "\x1f"
                                           "0");
  for (const char* k : {"standing", "department", "name", "page"}) key += "\x1f" + get(r, k);
  std::shared_ptr<const std::string> body;
  {
    std::lock_guard lock(dashboard_mutex_);
    if (dashboard_version_ != version) {
      dashboard_cache_.clear();
      dashboard_version_ = version;
    }
    if (auto it = dashboard_cache_.find(key); it != dashboard_cache_.end()) body = it->second;
  }
  if (!body) {
    body = std::make_shared<const std::string>(dashboard_body(r));
    // kept only when nothing committed while it was built: then it is the page of `version`
    if (svc_.board_version() != version)
      return page(r, labels_.at(r.lang)->getValue<std::string>("dashboard"),
                  notice_html(r) + awaiting_answers_html(*this, r) + *body);
    std::lock_guard lock(dashboard_mutex_);
    if (dashboard_version_ == version) {
      if (dashboard_cache_.size() >= kDashboardCacheSize) dashboard_cache_.clear();
      dashboard_cache_.emplace(key, body);
    }
  }
  return page(r, labels_.at(r.lang)->getValue<std::string>("dashboard"),
              notice_html(r) + awaiting_answers_html(*this, r) + *body);
}

// Outside the cached body: webhook and sync failures change without a data version.
std::string ErpScreens::notice_html(const ScreenRequest& r) {
  auto problems = notice_.problems();
  if (!problems) return {};
  auto ctx = base_context(r);
  ctx->set("webhooks", problems->get("webhooks"));
  ctx->set("syncs", problems->get("syncs"));
  return render_template("integration_notice", ctx);
}

std::string ErpScreens::dashboard_body(const ScreenRequest& r) {
  auto ctx = base_context(r);
  const Object::Ptr& t = labels_.at(r.lang);
  std::size_t page_no = 1;
  if (std::string p = get(r, "page"); !p.empty()) {
    if (p.size() > 7 || p.find_first_not_of("0123456789") != std::string::npos || std::stoul(p) == 0)
      throw HttpError(400, "Bad Request", "page must be a whole number from 1");
    page_no = std::stoul(p);
  }
  auto res = run_op(svc_, list_request(r, (page_no - 1) * kPageSize, kPageSize));
  const std::size_t total = res->getValue<std::size_t>("total");

  // links keep the filters, language and fragment mode
  std::vector<std::pair<std::string, std::string>> keep;
  for (const char* k : {"standing", "department", "name", "lang", "fragment"})
    if (std::string v = get(r, k); !v.empty()) keep.emplace_back(k, v);
  auto with = [&](const std::string& key, const std::string& value) {
    auto q = keep;
    q.erase(std::remove_if(q.begin(), q.end(), [&](const auto& kv) { return kv.first == key; }), q.end());
    if (!value.empty()) q.emplace_back(key, value);
    return "/erp/" + query_string(q);
  };
  const std::string suffix =
      query_string({{"lang", r.lang == "ja" ? "" : r.lang}, {"fragment", r.fragment ? "1" : ""}});

  Array::Ptr counts = new Array;
  auto n = svc_.standing_counts();
  Array::Ptr standing_options = new Array;
  for (std::size_t i = 0; i < 5; ++i) {
    const std::string st = kStandings[i];
    auto c = obj();
    c->set("standing", st);
    c->set("label", t->getValue<std::string>(st));
    c->set("symbol", symbol(st));
    Standing e = Standing::unknown;
    parse_standing(st, e);
    c->set("count", n[static_cast<std::size_t>(e)]);
    if (e == Standing::meets) {  // how many of the board's "meets" rest only on the buyer's interim rule
      if (std::size_t k = svc_.interim_count(); k > 0) c->set("of_which_interim", k);
    }
    auto q = keep;
    q.erase(
        std::remove_if(q.begin(), q.end(), [](const auto& kv) { return kv.first != "lang" && kv.first != "fragment"; }),
        q.end());
    q.emplace_back("standing", st);
    c->set("href", "/erp/" + query_string(q));
    counts->add(c);
    auto o = obj();
    o->set("value", st);
    o->set("label", t->getValue<std::string>(st));
    o->set("symbol", symbol(st));
    o->set("selected", get(r, "standing") == st);
    standing_options->add(o);
  }
  ctx->set("counts", counts);
  // the buyer's own interim rules, described on the board (never the scheme's ★)
  auto rules = interim_rules(svc_.catalogs().policy, t);
  ctx->set("interim_rules", rules);
  ctx->set("has_interim_rules", rules->size() > 0);
  ctx->set("standing_options", standing_options);
  ctx->set("chart", coverage_chart(svc_.coverage(12), t));
  Array::Ptr depts = new Array;
  for (const auto& d : svc_.departments()) {
    auto o = obj();
    o->set("value", d);
    o->set("selected", get(r, "department") == d);
    depts->add(o);
  }
  ctx->set("department_options", depts);
  ctx->set("name", get(r, "name"));

  Array::Ptr rows = new Array;
  auto list = res->getArray("suppliers");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto s = list->getObject(static_cast<unsigned>(i));
    const std::string st = s->getValue<std::string>("standing"), code = s->getValue<std::string>("vendor_code");
    auto row = obj();
    row->set("code", code);
    row->set("href", "/erp/suppliers/" + url_encode(code) + suffix);
    row->set("name", s->isNull("name") ? std::string() : s->getValue<std::string>("name"));
    row->set("department", s->isNull("department") ? std::string() : s->getValue<std::string>("department"));
    row->set("active", s->getValue<bool>("active"));
    row->set("sa", level_text(s, "sa", t));
    row->set("ota", ota_text(s, t));
    row->set("scs", level_text(s, "scs", t));
    row->set("required", s->getValue<int>("required_scs"));
    row->set("standing", st);
    row->set("standing_label", standing_words(s, t));
    row->set("symbol", standing_symbol(s));
    row->set("interim", !s->isNull("basis") && s->getValue<std::string>("basis") == "interim");
    row->set("reason", s->getValue<std::string>("reason"));
    rows->add(row);
  }
  ctx->set("rows", rows);
  ctx->set("has_rows", rows->size() > 0);
  ctx->set("total", total);
  ctx->set("from", total == 0 ? 0 : (page_no - 1) * kPageSize + 1);
  ctx->set("to", (page_no - 1) * kPageSize + rows->size());
  if (page_no > 1) ctx->set("prev_href", with("page", page_no == 2 ? "" : std::to_string(page_no - 1)));
  if (page_no * kPageSize < total) ctx->set("next_href", with("page", std::to_string(page_no + 1)));
  auto csv_q = keep;
  csv_q.erase(std::remove_if(csv_q.begin(), csv_q.end(), [](const auto& kv) { return kv.first == "fragment"; }),
              csv_q.end());
  ctx->set("csv_href", "/erp/suppliers.csv" + query_string(csv_q));
  return render_template("dashboard", ctx);
}

std::string ErpScreens::suppliers_csv(const ScreenRequest& r) {
  const Object::Ptr& t = labels_.at(r.lang);
  auto res = run_op(svc_, list_request(r, 0, 0));
  std::string out = "\xEF\xBB\xBF";
  auto cell = [&](const std::string& v, bool last = false) {
    std::string c = v;
    if (!c.empty() && (c[0] == '=' || c[0] == '+' || c[0] == '-' || c[0] == '@' || c[0] == '\t')) c = "'" + c;
    if (c.find_first_of(",\"\r\n") != std::string::npos) {
      std::string q = "\"";
      for (char ch : c) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      c = q + "\"";
    }
    out += c;
    out += last ? "\r\n" : ",";
  };
  for (const char* h : {"code", "name", "department", "sa", "ota", "scs", "required", "standing"})
    cell(t->getValue<std::string>(h));
  cell(t->getValue<std::string>("reason"), true);
  auto list = res->getArray("suppliers");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto s = list->getObject(static_cast<unsigned>(i));
    const std::string st = s->getValue<std::string>("standing");
    cell(s->getValue<std::string>("vendor_code"));
    cell(s->isNull("name") ? "" : s->getValue<std::string>("name"));
    cell(s->isNull("department") ? "" : s->getValue<std::string>("department"));
    cell(level_text(s, "sa", t));
    cell(ota_text(s, t));
    cell(level_text(s, "scs", t));
    cell("★" + std::to_string(s->getValue<int>("required_scs")));
    cell(std::string(standing_symbol(s)) + " " + standing_words(s, t));
    cell(s->getValue<std::string>("reason"), true);
  }
  return out;
}

bool ErpScreens::static_file(const std::string& name, std::string& body, std::string& content_type) {
  if (name.empty() || name.find("..") != std::string::npos || name.find('/') != std::string::npos) return false;
  std::ifstream in(dir_ + "/static/" + name, std::ios::binary);
  if (!in) return false;
  std::stringstream s;
  s << in.rdbuf();
  body = s.str();
  const auto ext = name.substr(name.rfind('.') + 1);
  content_type = ext == "css"   ? "text/css; charset=utf-8"
                 : ext == "js"  ? "text/javascript; charset=utf-8"
                 : ext == "svg" ? "image/svg+xml"
                 : ext == "png" ? "image/png"
                                : "application/octet-stream";
  return true;
}

}  // namespace hoshi::http
