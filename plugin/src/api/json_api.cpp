#include "api/json_api.hpp"

#include "api/op_table.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <ctime>
#include <memory>
#include <sstream>

#include "core/text.hpp"
#include "importer/row_parser.hpp"
#include "service/briefing.hpp"
#include "service/json_args.hpp"
#include "service/json_parse.hpp"
#include "service/supplier_evidence.hpp"
#include "service/supplier_initiated.hpp"
#include "store/api_keys.hpp"
#include "store/staff_link.hpp"

namespace hoshi::api {

namespace {

// JSON value → the text a CSV cell would hold ("" for null: clears the field).
std::string cell_text(const Poco::Dynamic::Var& v) {
  if (v.isEmpty()) return "";
  if (v.type() == typeid(bool)) return v.extract<bool>() ? "はい" : "いいえ";
  return v.convert<std::string>();
}

void patch_field(Service& svc, StatusUpdate& u, Field f, const Object::Ptr& from, const std::string& key,
                 const std::string& path) {
  if (!from->has(key)) return;
  std::string raw = cell_text(from->get(key));
  if (raw.empty()) {
    u.patch[f] = "";
    return;
  }
  std::string why;
  if (!importer::parse_cell(svc.catalogs(), svc.today(), f, raw, u.patch, why))
    throw Error(Code::invalid, path + ": " + why, path);
}

Object::Ptr op_update_status(Service& svc, const Object::Ptr& req) {
  StatusUpdate u;
  u.vendor_code = str_arg(req, "vendor_code", true);
  u.actor = str_arg(req, "actor", true);
  u.source = str_arg(req, "source", false);
  if (u.source.empty()) u.source = "api";
  patch_field(svc, u, Field::email, req, "email", "email");
  patch_field(svc, u, Field::contact, req, "contact", "contact");
  patch_field(svc, u, Field::department, req, "department", "department");
  if (auto sa = sub(req, "sa")) {
    only_keys(sa, "sa", {"level", "declared_on", "declaration_id"});
    patch_field(svc, u, Field::sa_level, sa, "level", "sa.level");
    patch_field(svc, u, Field::sa_declared_on, sa, "declared_on", "sa.declared_on");
    patch_field(svc, u, Field::sa_declaration_id, sa, "declaration_id", "sa.declaration_id");
  }
  if (auto ota = sub(req, "otasuketai")) {
    only_keys(ota, "otasuketai", {"service", "provider", "start", "end"});
    patch_field(svc, u, Field::ota_provider, ota, "provider", "otasuketai.provider");
    patch_field(svc, u, Field::ota_service, ota, "service", "otasuketai.service");
    patch_field(svc, u, Field::ota_start, ota, "start", "otasuketai.start");
    patch_field(svc, u, Field::ota_end, ota, "end", "otasuketai.end");
  }
  if (auto eq = sub(req, "equivalent")) {  // 同等のサービス: counts with an interim rule that names お助け隊
    only_keys(eq, "equivalent", {"description", "until"});
    patch_field(svc, u, Field::equiv_service, eq, "description", "equivalent.description");
    patch_field(svc, u, Field::equiv_until, eq, "until", "equivalent.until");
  }
  if (auto scs = sub(req, "scs")) {
    only_keys(scs, "scs", {"level", "valid_until", "evidence"});
    patch_field(svc, u, Field::scs_level, scs, "level", "scs.level");
    patch_field(svc, u, Field::scs_valid_until, scs, "valid_until", "scs.valid_until");
    patch_field(svc, u, Field::scs_evidence, scs, "evidence", "scs.evidence");
  }
  if (auto chart = sub(req, "decision_chart")) {
    only_keys(chart, "decision_chart", {kChartIds[0], kChartIds[1], kChartIds[2]});
    const Field fields[3] = {Field::chart_confidential, Field::chart_critical, Field::chart_network};
    for (int i = 0; i < 3; ++i)
      patch_field(svc, u, fields[i], chart, kChartIds[i], std::string("decision_chart.") + kChartIds[i]);
  }
  return status_json(svc.update_status(u));
}

Object::Ptr key_json(const records::ApiKey& k) {
  auto o = obj();
  o->set("id", k.id);
  o->set("name", k.name);
  o->set("role", records::role_name(k.role));
  o->set("created_at", k.created_at);
  o->set("created_by", k.created_by);
  o->set("revoked_at", opt(k.revoked_at));
  return o;
}

// Staff keys for the REST API, for a host that mints them itself (hoshitori apikey …).
Object::Ptr op_apikey(Service& svc, const std::string& op, const Object::Ptr& req) {
  if (op == "apikeys") {
    Array::Ptr list = new Array;
    for (const auto& k : svc.with_repos<records::ApiKeys>([](records::ApiKeys& keys) { return keys.list(); }))
      list->add(key_json(k));
    auto o = obj();
    o->set("keys", list);
    return o;
  }
  const std::string name = str_arg(req, "name", true), actor = str_arg(req, "actor", true);
  if (op == "apikey_revoke") {
    if (!svc.with_repos<records::ApiKeys>([&](records::ApiKeys& keys) { return keys.revoke(name, actor); }))
      throw Error(Code::notfound, "no live key named \"" + name + "\"");
    auto o = obj();
    o->set("revoked", name);
    return o;
  }
  records::Role role;
  if (!records::parse_role(str_arg(req, "role", true), role))
    throw Error(Code::invalid, "\"role\" must be viewer, buyer or admin");
  auto created =
      svc.with_repos<records::ApiKeys>([&](records::ApiKeys& keys) { return keys.create(name, role, actor); });
  auto o = key_json(created.key);
  o->set("key", created.secret);
  return o;
}

// A signed, short-lived link into the ERP screens for a user the host has signed in.
Object::Ptr op_erp_link(Service& svc, const Object::Ptr& req) {
  records::StaffClaims c;
  c.user = str_arg(req, "user", true);
  if (!records::parse_role(str_arg(req, "role", true), c.role))
    throw Error(Code::invalid, "\"role\" must be viewer, buyer or admin");
  c.next = str_arg(req, "next", false);
  const long long ttl = static_cast<long long>(size_arg(req, "ttl_seconds", 300));
  const std::string secret =
      svc.with_repos<records::ServerSecrets>([](records::ServerSecrets& s) { return s.get("staff-link"); });
  const std::string path = records::mint_staff_link(secret, c, static_cast<long long>(std::time(nullptr)), ttl);
  auto o = obj();
  o->set("path", path);
  o->set("ttl_seconds", ttl);
  return o;
}

// The handlers of the first rows below (supplier_ops).
struct Suppliers {
  static Object::Ptr status(Service& svc, const Object::Ptr& req) {
    return status_json(find_supplier(svc, str_arg(req, "vendor_code", true)));
  }

  static Object::Ptr suppliers(Service& svc, const Object::Ptr& req) {
    ListQuery q;
    std::string standing = str_arg(req, "standing", false);
    if (!standing.empty()) {
      Standing st;
      if (!parse_standing(standing, st))
        throw Error(Code::invalid, "\"standing\" must be meets, expiring, expired, below or unknown");
      q.standing = st;
    }
    std::string dept = str_arg(req, "department", false);
    if (!dept.empty()) q.filter.department = dept;
    std::string name = str_arg(req, "name", false);
    if (!name.empty()) {
      q.filter.name_like = text::normalize_company_name(name);
      if (q.filter.name_like->find_first_not_of("%_\\") == std::string::npos)
        throw Error(Code::invalid, "\"name\": nothing to search for once 株式会社/(株)/… are set aside");
    }
    q.offset = size_arg(req, "offset", 0);
    q.limit = size_arg(req, "limit", 100);
    std::size_t total = 0;
    auto rows = svc.list(q, &total);
    auto o = obj();
    o->set("total", total);
    o->set("offset", q.offset);
    Array::Ptr items = new Array;
    for (const auto& r : rows) items->add(status_json(r));
    o->set("suppliers", items);
    return o;
  }

  static Object::Ptr history(Service& svc, const Object::Ptr& req) {
    std::string code = str_arg(req, "vendor_code", true);
    find_supplier(svc, code);
    Array::Ptr items = new Array;
    for (const auto& e : svc.history(code)) items->add(history_entry_json(e));
    auto o = obj();
    o->set("vendor_code", code);
    o->set("history", items);
    return o;
  }

  static Object::Ptr import_suppliers(Service& svc, const Object::Ptr& req) {
    importer::ImportOptions opts;
    opts.actor = str_arg(req, "actor", true);
    std::string enc = str_arg(req, "encoding", false);
    if (!enc.empty() && !importer::parse_encoding(enc, opts.encoding))
      throw Error(Code::invalid, "\"encoding\" must be auto, utf-8 or cp932");
    opts.all_or_nothing = bool_arg(req, "all_or_nothing", false);
    try {
      return import_report_json(svc.import_file(str_arg(req, "file", true), opts));
    } catch (const importer::ImportError& e) {
      throw Error(Code::invalid, e.what());
    }
  }
};

}  // namespace

std::vector<OpDef> supplier_ops() {
  using records::Role;
  const auto S = ArgType::string, I = ArgType::integer, B = ArgType::boolean, O = ArgType::object, A = ArgType::any;
  // clang-format off
  return {
    {"status", "one supplier's standing, by vendor code or 法人番号",
     {{"vendor_code", S, true}}, Access::reads, Role::viewer, Suppliers::status,
     {"GET", "suppliers/{vendor_code}", RestArgs::own}},
    {"suppliers", "the suppliers, filtered and paged",
     {{"standing", S}, {"department", S}, {"name", S}, {"offset", I}, {"limit", I}},
     Access::reads, Role::viewer, Suppliers::suppliers,
     {"GET", "suppliers", RestArgs::query}},
    {"history", "every change to one supplier",
     {{"vendor_code", S, true}}, Access::reads, Role::viewer, Suppliers::history,
     {"GET", "suppliers/{vendor_code}/history", RestArgs::query}},
    {"import_suppliers", "imports a supplier master CSV",
     {{"file", S, true}, {"encoding", S}, {"all_or_nothing", B}, {"actor", S, true}},
     Access::writes, Role::buyer, Suppliers::import_suppliers,
     {}},
    {"update_status", "a status the supplier reported (values checked as CSV cells; null clears)",
     {{"vendor_code", S, true}, {"actor", S, true}, {"source", S}, {"email", A}, {"contact", A}, {"department", A},
     {"sa", O}, {"otasuketai", O}, {"equivalent", O}, {"scs", O}, {"decision_chart", O}}, Access::writes, Role::buyer, op_update_status,
     {"PATCH", "suppliers/{vendor_code}", RestArgs::body}},
    {"apikey_create", "a REST API key (the secret shown once)",
     {{"name", S, true}, {"role", S, true}, {"actor", S, true}},
     Access::writes, Role::admin, [](Service& svc, const Object::Ptr& req) { return op_apikey(svc, "apikey_create", req); },
     {}},
    {"apikey_revoke", "revokes a live key by name",
     {{"name", S, true}, {"actor", S, true}},
     Access::writes, Role::admin, [](Service& svc, const Object::Ptr& req) { return op_apikey(svc, "apikey_revoke", req); },
     {}},
    {"apikeys", "the REST API keys (never their secrets)",
     {},
     Access::reads, Role::admin, [](Service& svc, const Object::Ptr& req) { return op_apikey(svc, "apikeys", req); },
     {}},
    {"erp_link", "a signed, short-lived link into the ERP screens",
     {{"user", S, true}, {"role", S, true}, {"next", S}, {"ttl_seconds", I}}, Access::reads, Role::admin, op_erp_link,
     {}},
  };
  // clang-format on
}

std::string handle(Service& svc, const std::string& request_json) {
  Object::Ptr req;
  try {
    req = parse_json(request_json).extract<Object::Ptr>();
  } catch (const DuplicateKey& e) {
    throw Error(Code::invalid, std::string(e.what()) + " in the request: give each key once");
  } catch (const Poco::Exception& e) {
    throw Error(Code::invalid, "request is not a JSON object: " + e.displayText());
  }
  if (!req) throw Error(Code::invalid, "request is not a JSON object");
  const std::string op = str_arg(req, "op", true);
  if (const OpDef* row = find_op(op)) return to_string(run_op(svc, *row, req));
  std::string names;
  for (const auto& row : op_table()) names += (names.empty() ? "" : ", ") + std::string(row.name);
  throw Error(Code::invalid, "unknown op \"" + op + "\" (" + names + ")");
}

}  // namespace hoshi::api
