#include "catalog/catalog_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "catalog/evidence_limits.hpp"
#include "catalog/retention_policy.hpp"
#include "catalog/scope_policy.hpp"
#include "catalog/yaml_doc.hpp"
#include "core/text.hpp"

namespace hoshi::catalog {

using detail::Doc;

namespace {
using Key = Doc::Key;
constexpr auto kText = Doc::Shape::scalar;
constexpr auto kMap = Doc::Shape::map;
constexpr auto kList = Doc::Shape::list;
constexpr bool kRequired = true, kOptional = false;

// policy.yaml's schema, checked at load (Doc::keys): every section a buyer's policy must
// state, so a cut or half-copied file is refused instead of falling back to defaults.
// A new section is one line here (and its reading in load_policy).
constexpr Key kPolicySections[] = {
    {"policy", kText, kRequired},
    {"version", kText, kRequired},
    {"buyer", kMap, kRequired},
    {"subcontract_scope", kMap, kOptional},  // 取適法 scope: catalog/scope_policy.cpp
    {"required_level", kMap, kRequired},
    {"interim", kList, kRequired},
    {"expiring_window_days", kText, kRequired},
    {"validity", kMap, kRequired},
    {"retention", kMap, kOptional},         // or the older retention_years: see
    {"retention_years", kText, kOptional},  // catalog/retention_policy.cpp
    {"requests", kMap, kRequired},
    {"mail", kMap, kRequired},
    {"evidence", kMap, kRequired},   // its keys: catalog/evidence_limits.cpp
    {"agreement", kMap, kOptional},  // the supplier's confirmation: kAgreement
};
constexpr Key kAgreement[] = {{"one_time_code", kText, kRequired}};
constexpr Key kBuyer[] = {{"name", kText, kRequired},
                          {"department", kText, kOptional},
                          {"contact", kText, kOptional},
                          {"email", kText, kOptional},
                          {"phone", kText, kOptional}};
constexpr Key kRequiredLevel[] = {
    {"default", kText, kRequired}, {"star4_if_any", kList, kRequired}, {"provisional", kText, kOptional}};
constexpr Key kChartQuestion[] = {{"id", kText, kRequired}, {"question", kText, kOptional}};
constexpr Key kInterimRule[] = {{"id", kText, kRequired},           {"until", kText, kRequired},
                                {"for_required", kList, kRequired}, {"sa_min", kText, kOptional},
                                {"otasuketai", kText, kOptional},   {"equivalent", kText, kOptional},
                                {"description", kText, kOptional}};
constexpr Key kValidity[] = {{"sa_reconfirm_days", kText, kRequired},
                             {"scs3_days", kText, kRequired},
                             {"scs4_days", kText, kRequired},
                             {"provisional", kText, kOptional}};
constexpr Key kRequests[] = {{"number_prefix", kText, kRequired},
                             {"min_due_days", kText, kRequired},
                             {"overriders", kList, kRequired},
                             {"compliance", kList, kOptional},
                             {"min_override_reason_chars", kText, kRequired}};
constexpr Key kMail[] = {{"from", kText, kOptional},         {"from_name", kText, kOptional},
                         {"reply_to", kText, kOptional},     {"smtp", kText, kOptional},
                         {"public_url", kText, kRequired},   {"charset", kText, kRequired},
                         {"per_minute", kText, kRequired},   {"retry_base_seconds", kText, kRequired},
                         {"max_attempts", kText, kRequired}, {"sender_lease_seconds", kText, kRequired},
                         {"link_days", kText, kRequired},    {"reminder_days_before", kList, kRequired}};

// The public catalogs' top levels (their entries are checked as they are read).
constexpr Key kScsTop[] = {{"catalog", kText, kRequired},    {"version", kText, kRequired},
                           {"source", kText, kRequired},     {"source_date", kText, kRequired},
                           {"notes", kText, kOptional},      {"totals", kMap, kRequired},
                           {"categories", kList, kRequired}, {"requirements", kList, kRequired}};
constexpr Key kSaTop[] = {{"catalog", kText, kRequired}, {"version", kText, kRequired},
                          {"source", kText, kOptional},  {"source_date", kText, kOptional},
                          {"levels", kList, kRequired},  {"self_diagnosis", kMap, kRequired}};
constexpr Key kOtasuketaiTop[] = {{"catalog", kText, kRequired},   {"version", kText, kRequired},
                                  {"source", kText, kOptional},    {"source_date", kText, kRequired},
                                  {"price_caps", kMap, kOptional}, {"services", kList, kRequired}};

void load_mail(const Doc& d, const YAML::Node& m, Policy& p) {
  MailPolicy& mp = p.mail;
  mp.from = p.buyer.email;
  mp.from_name = p.buyer.department.empty() ? p.buyer.name : p.buyer.name + " " + p.buyer.department;
  d.keys(m, "mail", kMail);
  if (m["from"].IsDefined()) mp.from = d.str(m, "from");
  if (m["from_name"].IsDefined()) mp.from_name = d.str(m, "from_name");
  mp.reply_to = d.opt_str(m, "reply_to");
  mp.smtp = d.opt_str(m, "smtp");
  mp.public_url = d.str(m, "public_url");
  if (mp.public_url.rfind("http://", 0) != 0 && mp.public_url.rfind("https://", 0) != 0)
    throw d.fail(m["public_url"], "'public_url' must start with http:// or https://");
  while (!mp.public_url.empty() && mp.public_url.back() == '/') mp.public_url.pop_back();
  mp.charset = d.str(m, "charset");
  if (mp.charset != "utf-8" && mp.charset != "iso-2022-jp")
    throw d.fail(m["charset"], "'charset' must be utf-8 or iso-2022-jp");
  mp.per_minute = d.integer(m, "per_minute", 0, 100000, 120);
  mp.retry_base_seconds = d.integer(m, "retry_base_seconds", 1, 86400, 60);
  mp.max_attempts = d.integer(m, "max_attempts", 1, 100, 8);
  mp.sender_lease_seconds = d.integer(m, "sender_lease_seconds", 10, 86400, 120);
  mp.link_days = d.integer(m, "link_days", 1, 730, 180);
  mp.reminder_days_before.clear();
  for (const auto& n : d.seq(m, "reminder_days_before"))
    mp.reminder_days_before.push_back(d.integer(n, "reminder_days_before", 0, 365));
  std::sort(mp.reminder_days_before.begin(), mp.reminder_days_before.end(), std::greater<int>());
}
}  // namespace

Policy load_policy(const std::string& file) {
  Doc d(file);
  const YAML::Node& r = d.root();
  d.expect_kind("policy", "buyer");  // first: is this the right file at all?
  d.keys(r, "", kPolicySections);
  Policy p;
  p.version = d.str(r, "version");
  YAML::Node b = d.req(r, "buyer");
  d.keys(b, "buyer", kBuyer);
  p.buyer = Buyer{d.str(b, "name"), d.opt_str(b, "department"), d.opt_str(b, "contact"), d.opt_str(b, "email"),
                  d.opt_str(b, "phone")};

  YAML::Node rl = d.req(r, "required_level");
  d.keys(rl, "required_level", kRequiredLevel);
  p.default_level = d.integer(rl, "default", 3, 5, std::nullopt);
  {
    std::set<std::string> seen;
    for (const auto& q : d.seq(rl, "star4_if_any")) {
      d.keys(q, "star4_if_any", kChartQuestion);
      ChartQuestion cq;
      cq.id = d.str(q, "id");
      cq.question = d.opt_str(q, "question");
      cq.index = -1;
      for (int i = 0; i < 3; ++i)
        if (cq.id == kChartIds[i]) cq.index = i;
      if (cq.index < 0)
        throw d.fail(q, "unknown decision-chart question '" + cq.id +
                            "' (confidential_info, critical_dependency or network_access)");
      if (!seen.insert(cq.id).second) throw d.fail(q, "decision-chart question '" + cq.id + "' listed twice");
      p.star4_if_any.push_back(cq);
    }
  }
  if (p.default_level >= 4 && !p.star4_if_any.empty())
    throw d.fail(
        rl, "default level is already ★" + std::to_string(p.default_level) + ": star4_if_any would never change it");

  for (const auto& n : d.seq(r, "interim")) {
    d.keys(n, "interim", kInterimRule);
    InterimRule ir;
    ir.id = d.str(n, "id");
    ir.until = d.date(n, "until");
    for (const auto& lv : d.seq(n, "for_required")) ir.for_required.push_back(d.integer(lv, "for_required", 3, 5));
    ir.sa_min = d.integer(n, "sa_min", 0, 2, 2);
    ir.otasuketai = d.boolean(n, "otasuketai", true);
    ir.equivalent = d.boolean(n, "equivalent", ir.otasuketai);
    ir.description = d.opt_str(n, "description");
    if (ir.sa_min == 0 && !ir.otasuketai)
      throw d.fail(n, "interim rule '" + ir.id + "' would accept every supplier (sa_min 0, no お助け隊)");
    // METI/JFTC guidance (サプライチェーン全体のサイバーセキュリティ向上のための取引先との
    // パートナーシップの構築に向けて): making a recommended service a condition of trade is a
    // problem; equivalent measures must be accepted. No policy path may make buying one
    // service the only way to meet a level.
    if (ir.otasuketai && !ir.equivalent)
      throw d.fail(n["equivalent"], "interim rule '" + ir.id +
                                        "' would accept only a named service (お助け隊): buying a particular service "
                                        "may not be the only way to meet a level; remove 'equivalent: false' so the "
                                        "supplier's equivalent service (同等のサービス) counts too");
    if (!ir.otasuketai && n["equivalent"].IsDefined())
      throw d.fail(n["equivalent"], "interim rule '" + ir.id +
                                        "': 'equivalent' belongs with 'otasuketai: true' (it says what else counts "
                                        "beside an お助け隊 service)");
    p.interim.push_back(ir);
  }
  p.expiring_window_days = d.integer(r, "expiring_window_days", 0, 3650, 60);
  {
    YAML::Node v = r["validity"];
    d.keys(v, "validity", kValidity);
    p.sa_reconfirm_days = d.integer(v, "sa_reconfirm_days", 1, 36500, 365);
    p.scs3_days = d.integer(v, "scs3_days", 1, 36500, 365);
    p.scs4_days = d.integer(v, "scs4_days", 1, 36500, 1095);
  }
  load_retention_policy(d, r, p);
  if (YAML::Node ag = r["agreement"]; ag.IsDefined()) {
    d.keys(ag, "agreement", kAgreement);
    p.agreement.one_time_code = d.boolean(ag, "one_time_code", false);
  }
  load_scope_policy(d, r, p);
  {
    YAML::Node rq = r["requests"];
    d.keys(rq, "requests", kRequests);
    p.requests.number_prefix = d.opt_str(rq, "number_prefix");
    for (char c : p.requests.number_prefix)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_')
        throw d.fail(rq["number_prefix"], "'number_prefix' may hold only ASCII letters, digits, - and _");
    p.requests.min_due_days = d.integer(rq, "min_due_days", 0, 3650, 90);
    p.requests.min_override_reason_chars = d.integer(rq, "min_override_reason_chars", 1, 1000, 10);
    p.requests.overriders.clear();
    for (const auto& u : d.seq(rq, "overriders")) {
      if (!u.IsScalar() || u.Scalar().empty()) throw d.fail(u, "'overriders' must hold user names");
      p.requests.overriders.push_back(u.Scalar());
    }
    p.requests.compliance.clear();
    if (rq["compliance"])
      for (const auto& u : d.seq(rq, "compliance")) {
        if (!u.IsScalar() || u.Scalar().empty()) throw d.fail(u, "'compliance' must hold user names");
        p.requests.compliance.push_back(u.Scalar());
      }
  }
  load_mail(d, r["mail"], p);
  load_evidence_policy(d, r["evidence"], p);
  return p;
}

ScsCatalog load_scs(const std::string& file) {
  Doc d(file);
  const YAML::Node& r = d.root();
  d.expect_kind("catalog", "scs-requirements");  // first: is this the right file at all?
  d.keys(r, "", kScsTop);
  ScsCatalog c;
  c.version = d.str(r, "version");
  c.source = d.str(r, "source");
  c.source_date = d.str(r, "source_date");
  for (const auto& cat : d.seq(r, "categories")) {
    int no = d.integer(d.req(cat, "no"), "category no", 1, 9);
    if (!c.categories.emplace(no, d.str(cat, "name")).second)
      throw d.fail(cat, "category " + std::to_string(no) + " listed twice");
  }
  std::set<std::string> seen;
  int star3 = 0, star3_criteria = 0, star4 = 0;
  for (const auto& n : d.seq(r, "requirements")) {
    ScsRequirement q;
    q.no = d.str(n, "no");
    int a = 0, b = 0, e = 0;
    char extra = 0;
    if (std::sscanf(q.no.c_str(), "%d-%d-%d%c", &a, &b, &e, &extra) != 3)
      throw d.fail(n, "requirement number '" + q.no + "' is not 大分類-中分類-項目 (e.g. 1-2-1)");
    if (!c.categories.count(a))
      throw d.fail(n, "requirement " + q.no + " names 大分類 " + std::to_string(a) + ", which is not in categories");
    if (!seen.insert(q.no).second) throw d.fail(n, "requirement " + q.no + " listed twice");
    q.title = d.str(n, "title");
    for (const auto& lv : d.seq(n, "levels")) q.levels.push_back(d.integer(lv, "level", 3, 5));
    YAML::Node cr = n["criteria"];
    if (cr.IsDefined() && !cr.IsNull()) q.criteria = d.integer(cr, "criteria", 1, 100);
    q.provisional = d.boolean(n, "provisional", false);
    bool at3 = false, at4 = false;
    for (int lv : q.levels) {
      at3 |= lv == 3;
      at4 |= lv == 4;
    }
    if (at3 && !at4) throw d.fail(n, "requirement " + q.no + " is a ★3 item, so it applies at ★4 too: levels [3, 4]");
    if (at3) {
      ++star3;
      if (!q.criteria) throw d.fail(n, "★3 requirement " + q.no + " needs its number of criteria");
      star3_criteria += *q.criteria;
    }
    if (at4) ++star4;
    c.requirements.push_back(q);
  }
  YAML::Node totals = d.req(r, "totals");
  YAML::Node t3 = d.req(totals, "star3");
  int want3 = d.integer(t3, "requirements", 0, 1000, std::nullopt);
  int want3c = d.integer(t3, "criteria", 0, 10000, std::nullopt);
  if (want3 != star3)
    throw d.fail(t3, "totals say " + std::to_string(want3) + " ★3 requirements, the list has " + std::to_string(star3));
  if (want3c != star3_criteria)
    throw d.fail(t3, "totals say " + std::to_string(want3c) + " ★3 criteria, the list sums to " +
                         std::to_string(star3_criteria));
  YAML::Node t4 = totals["star4"];
  if (t4.IsDefined()) {
    int want4 = d.integer(t4, "requirements", 0, 1000, std::nullopt);
    if (want4 != star4)
      throw d.fail(t4,
                   "totals say " + std::to_string(want4) + " ★4 requirements, the list has " + std::to_string(star4));
  }
  return c;
}

SaCatalog load_security_action(const std::string& file) {
  Doc d(file);
  const YAML::Node& r = d.root();
  d.expect_kind("catalog", "security-action");  // first: is this the right file at all?
  d.keys(r, "", kSaTop);
  SaCatalog c;
  c.version = d.str(r, "version");
  for (const auto& lv : d.seq(r, "levels")) {
    int level = d.integer(d.req(lv, "level"), "level", 1, 2);
    if (level == 1)
      for (const auto& item : d.seq(lv, "items")) c.star1_items.push_back(item.as<std::string>());
  }
  if (c.star1_items.empty()) throw d.fail(r, "level 1 (一つ星) needs its items");
  YAML::Node sd = d.req(r, "self_diagnosis");
  for (const auto& q : d.seq(sd, "questions")) {
    SaCatalog::Question question;
    question.no = d.integer(d.req(q, "no"), "question no", 1, 100);
    question.part = d.integer(d.req(q, "part"), "part", 1, 3);
    question.text = d.str(q, "text");
    if (question.no != static_cast<int>(c.questions.size()) + 1)
      throw d.fail(q, "question " + std::to_string(question.no) + " out of order (expected " +
                          std::to_string(c.questions.size() + 1) + ")");
    c.questions.push_back(question);
  }
  if (c.questions.size() != 25)
    throw d.fail(sd, "the self-diagnosis has 25 questions, this file has " + std::to_string(c.questions.size()));
  return c;
}

OtasuketaiRegistry load_otasuketai(const std::string& file) {
  Doc d(file);
  const YAML::Node& r = d.root();
  d.expect_kind("catalog", "otasuketai-services");  // first: is this the right file at all?
  d.keys(r, "", kOtasuketaiTop);
  OtasuketaiRegistry reg;
  reg.version = d.str(r, "version");
  reg.source_date = d.str(r, "source_date");
  std::set<std::string> ids, names;
  for (const auto& n : d.seq(r, "services")) {
    OtasuketaiService s;
    s.id = d.str(n, "id");
    s.name = d.str(n, "name");
    s.provider = d.str(n, "provider");
    s.region = d.opt_str(n, "region");
    s.type = d.str(n, "type");
    if (s.type != "network" && s.type != "endpoint" && s.type != "combined")
      throw d.fail(n["type"], "type must be network, endpoint or combined, not '" + s.type + "'");
    s.service_class = d.integer(n, "class", 1, 2, 1);
    s.provisional = d.boolean(n, "provisional", false);
    if (!ids.insert(s.id).second) throw d.fail(n, "service id '" + s.id + "' listed twice");
    if (!names.insert(text::normalize_company_name(s.name)).second)
      throw d.fail(n, "service name '" + s.name + "' listed twice");
    reg.by_key.emplace(s.id, reg.services.size());
    reg.by_key.emplace(text::normalize_company_name(s.name), reg.services.size());
    reg.services.push_back(s);
  }
  return reg;
}

Catalogs load_all(const std::string& dir, const std::string& policy_file) {
  Catalogs c;
  c.scs = load_scs(dir + "/scs-requirements.yaml");
  c.sa = load_security_action(dir + "/security-action.yaml");
  c.otasuketai = load_otasuketai(dir + "/otasuketai-services.yaml");
  c.policy = load_policy(policy_file.empty() ? dir + "/policy.yaml" : policy_file);
  c.guardrails = load_guardrails(dir + "/guardrails.yaml");
  return c;
}

std::string default_schemas_dir(const char* explicit_dir) {
  if (explicit_dir && *explicit_dir) return explicit_dir;
  if (const char* env = std::getenv("HOSHITORI_SCHEMAS"); env && *env) return env;
  if (std::filesystem::exists(HOSHITORI_INSTALLED_SCHEMAS_DIR "/policy.yaml")) return HOSHITORI_INSTALLED_SCHEMAS_DIR;
  return HOSHITORI_SOURCE_SCHEMAS_DIR;
}

}  // namespace hoshi::catalog

namespace hoshi {
const OtasuketaiService* OtasuketaiRegistry::find(const std::string& id_or_name) const {
  auto it = by_key.find(id_or_name);
  if (it == by_key.end()) it = by_key.find(text::normalize_company_name(id_or_name));
  return it == by_key.end() ? nullptr : &services[it->second];
}
}  // namespace hoshi
