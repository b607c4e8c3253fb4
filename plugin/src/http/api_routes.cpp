#include "http/api_routes.hpp"

#include <Poco/JSON/Parser.h>

#include <fstream>
#include <sstream>

#include "api/json_api.hpp"
#include "http/evidence_download.hpp"
#include "http/http_error.hpp"
#include "http/supplier_agreement.hpp"
#include "service/audit_export.hpp"
#include "service/json_args.hpp"
#include "service/json_parse.hpp"
#include "service/requests.hpp"
#include "service/supplier_evidence.hpp"
#include "store/purpose.hpp"

namespace hoshi::http {

using api::obj;
using Poco::JSON::Object;
using records::Role;

namespace {

using Params = std::vector<std::string>;
using Handler = void (*)(Exchange&, ApiContext&, const Caller&, const Params&);

struct Route {
  const char* method;
  const char* pattern;  // segments after /api/v1; "{}" matches one
  Role need;
  Handler fn;
};

// An override is an authority the policy grants to named users (requests.overriders,
// requests.compliance). Through a key, that name is the key's own — set by an admin when
// the key was made — never the X-Hoshitori-User header a host may fill with any name.
bool carries_overrides(const Object::Ptr& op) {
  for (const char* k : {"request", "step"})
    if (op->has(k) && op->get(k).type() == typeid(Object::Ptr))
      if (Object::Ptr o = op->getObject(k); o->has("overrides") && !o->isNull("overrides")) return true;
  return false;
}

// Runs one op as the caller: their user is the actor, their key the "via". An Error
// passes on to the server, which answers it (http_error).
std::string call(ApiContext& ctx, const Caller& c, Object::Ptr op, bool mutating) {
  if (mutating && c.session.empty() && c.actor != c.key.name && carries_overrides(op))
    throw HttpError(403, "Forbidden",
                    "an override is made under the API key's own name (\"" + c.key.name + "\"), not the " +
                        "X-Hoshitori-User header (\"" + c.actor +
                        "\"): send it without the header, with a key made for the user the policy lists");
  if (mutating) op->set("actor", c.actor);
  ScopedPrincipal as(c.via);
  return api::handle(ctx.svc, api::to_string(op));
}

Object::Ptr parse_body(const std::string& body);

// The JSON object in the body; "op" and "actor" are not the caller's to set here.
Object::Ptr body_object(Exchange& ex, const ApiContext& ctx) { return parse_body(ex.body(ctx.max_body)); }

Object::Ptr body_object_or_empty(Exchange& ex, const ApiContext& ctx) {
  const std::string body = ex.body(ctx.max_body);
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return obj();
  return parse_body(body);
}

Object::Ptr parse_body(const std::string& body) {
  Object::Ptr o;
  try {
    o = api::parse_json(body).extract<Object::Ptr>();
  } catch (const api::DuplicateKey& e) {
    throw HttpError(400, "Bad Request", std::string(e.what()) + " in the JSON body: give each key once");
  } catch (const Poco::BadCastException&) {
    throw HttpError(400, "Bad Request", "the body is not a JSON object");
  } catch (const Poco::Exception& e) {
    throw HttpError(400, "Bad Request", "the body is not a JSON object: " + e.displayText());
  }
  if (!o) throw HttpError(400, "Bad Request", "the body is not a JSON object");
  for (const char* k : {"op", "actor"})
    if (o->has(k))
      throw HttpError(400, "Bad Request",
                      std::string("\"") + k +
                          "\" is not taken in the body: the route names the operation and X-Hoshitori-User the user");
  return o;
}

// As body_object, but an empty body is an empty object.
Object::Ptr body_object_or_empty(Exchange& ex, const ApiContext& ctx);

Object::Ptr op_doc(const char* op) {
  auto o = obj();
  o->set("op", op);
  return o;
}

// Copies query parameters into the op document, integers for `numeric` ones.
void copy_query(const Exchange& ex, Object::Ptr op, std::initializer_list<const char*> keys,
                std::initializer_list<const char*> numeric = {}) {
  for (const auto& [k, v] : ex.query_params()) {
    bool known = false;
    for (const char* n : numeric)
      if (k == n) {
        known = true;
        if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
          throw HttpError(400, "Bad Request", "query parameter \"" + k + "\" must be a whole number");
        op->set(k, std::stoll(v));
      }
    for (const char* n : keys)
      if (k == n) {
        known = true;
        op->set(k, v);
      }
    if (!known) {
      std::string list;
      for (auto* n : numeric) list += (list.empty() ? "" : ", ") + std::string(n);
      for (auto* n : keys) list += (list.empty() ? "" : ", ") + std::string(n);
      throw HttpError(400, "Bad Request",
                      "unknown query parameter \"" + k + "\"" + (list.empty() ? "" : " (known: " + list + ")"));
    }
  }
}

void suppliers(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto op = op_doc("suppliers");
  copy_query(ex, op, {"standing", "department", "name"}, {"offset", "limit"});
  if (!op->has("limit")) op->set("limit", 50);
  if (op->getValue<long long>("limit") > 1000)
    throw HttpError(400, "Bad Request", "\"limit\" is at most 1000 (page with \"offset\")");
  ex.send_json(200, call(ctx, c, op, false));
}

// The ERP's hot path: straight from the status cache, without an op document's round trip.
void supplier(Exchange& ex, ApiContext& ctx, const Caller&, const Params& p) {
  copy_query(ex, obj(), {});
  std::string body;
  // AmbiguousKey (a 法人番号 of several suppliers) is Code::conflict
  const bool found = ctx.svc.with_status(p[0], [&](const SupplierStanding& s) { body = api::status_json_text(s); });
  if (!found) throw Error(Code::notfound, "no supplier with vendor code " + p[0]);
  ex.send_json(200, body);
}

void supplier_history(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  copy_query(ex, obj(), {});
  auto op = op_doc("history");
  op->set("vendor_code", p[0]);
  ex.send_json(200, call(ctx, c, op, false));
}

void supplier_update(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = body_object(ex, ctx);
  if (op->has("vendor_code")) throw HttpError(400, "Bad Request", "the vendor code is in the path, not the body");
  op->set("op", "update_status");
  op->set("vendor_code", p[0]);
  ex.send_json(200, call(ctx, c, op, true));
}

// The reads of a request's protected content (evidence, steps with cost figures, the
// self-check, the agreement) are recorded as the caller's: the op gets "actor".
void supplier_evidence(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = op_doc("evidence");
  op->set("vendor_code", p[0]);
  copy_query(ex, op, {"number"});
  ex.send_json(200, call(ctx, c, op, true));
}

// The stored bytes, as they were sent, with the type judged from them at upload.
void evidence_download(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  copy_query(ex, obj(), {});
  if (!send_evidence(ex, ctx.svc, p[0], c.actor, c.via)) throw Error(Code::notfound, "no evidence file " + p[0]);
}

void requests_list(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto op = op_doc("requests");
  copy_query(ex, op, {"vendor_code"});
  ex.send_json(200, call(ctx, c, op, false));
}

void request_issue(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto op = body_object(ex, ctx);
  op->set("op", "request_issue");
  std::string out = call(ctx, c, op, true);
  Poco::JSON::Parser parser;
  auto res = parser.parse(out).extract<Object::Ptr>();
  ex.set_header("Location", "/api/v1/requests/" + res->getValue<std::string>("number"));
  ex.send_json(201, out);
}

void request_show(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  copy_query(ex, obj(), {});
  auto op = op_doc("request_show");
  op->set("number", p[0]);
  ex.send_json(200, call(ctx, c, op, true));  // recorded as the caller's read
}

void request_issue_draft(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  ex.body(ctx.max_body);  // nothing to say; an empty body or {}
  auto op = op_doc("request_issue_draft");
  op->set("number", p[0]);
  ex.send_json(200, call(ctx, c, op, true));
}

void request_letter(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = op_doc("request_letter");
  op->set("number", p[0]);
  copy_query(ex, op, {"format", "lang"});
  ex.send_json(200, call(ctx, c, op, false));
}

void request_step(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = body_object(ex, ctx);
  op->set("op", "negotiate");
  op->set("number", p[0]);
  ex.send_json(201, call(ctx, c, op, true));
}

void agreement_document(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = op_doc("agreement_document");
  op->set("number", p[0]);
  copy_query(ex, op, {}, {"version"});
  ex.send_json(200, call(ctx, c, op, true));  // recorded as the caller's read
}

// The scan of the copy the supplier signed on paper (記名押印), as kept with its
// confirmation; each download is an audit event (agreement.scan_downloaded).
void agreement_scan(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  copy_query(ex, obj(), {}, {"version"});
  if (!send_agreement_scan(ex, ctx.svc, p[0], ex.query("version"), c.actor, c.via))
    throw Error(Code::notfound,
                "request " + p[0] + ": no paper scan is kept with that agreement version's supplier confirmation");
}

void agreement_confirm(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = body_object(ex, ctx);
  // the supplier's side: only an admin key, with the scan of the copy the supplier signed
  // on paper (checked by the op); a buyer key never speaks for the supplier, whatever
  // X-Hoshitori-User says. Refused before the op runs: nothing is recorded.
  if (op->has("side") && op->get("side").isString() && op->getValue<std::string>("side") == "supplier" &&
      (c.key.role != Role::admin || !op->has("scan"))) {
    auto extra = obj();
    extra->set("code", document_code(Code::refused));
    throw HttpError(403, "Forbidden",
                    std::string(RequestService::kSupplierOnlyMessage) + " (key \"" + c.key.name + "\", role " +
                        records::role_name(c.key.role) + (op->has("scan") ? "" : ", no scan") + ")",
                    extra);
  }
  op->set("op", "agreement_confirm");
  op->set("number", p[0]);
  ex.send_json(201, call(ctx, c, op, true));
}

void supplier_link(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = body_object_or_empty(ex, ctx);
  op->set("op", "supplier_link");
  op->set("number", p[0]);
  ex.send_json(201, call(ctx, c, op, true));
}

void supplier_link_revoke(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  ex.body(ctx.max_body);
  auto op = op_doc("supplier_link_revoke");
  op->set("number", p[0]);
  ex.send_json(200, call(ctx, c, op, true));
}

// The supplier's standing link (service/supplier_initiated.hpp): made (rotating the
// earlier one), shown (never the token), revoked.
void standing_link(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = body_object_or_empty(ex, ctx);
  op->set("op", "standing_link");
  op->set("vendor_code", p[0]);
  ex.send_json(201, call(ctx, c, op, true));
}

void standing_link_show(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  auto op = op_doc("standing_link_show");
  op->set("vendor_code", p[0]);
  ex.send_json(200, call(ctx, c, op, false));
}

void standing_link_revoke(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  ex.body(ctx.max_body);
  auto op = op_doc("standing_link_revoke");
  op->set("vendor_code", p[0]);
  ex.send_json(200, call(ctx, c, op, true));
}

void audit_verify(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto op = op_doc("verify");
  copy_query(ex, op, {"expected_head"});
  ex.send_json(200, call(ctx, c, op, false));
}

// Streams the export from a connection of its own, so a long download does not hold
// the service's connection (and every other caller) for its length.
// Without ?purpose= the cost figures are withheld; with purpose=negotiation|audit they are
// included and the caller, the export and the purpose are recorded before it streams.
void audit_export(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto args = obj();
  copy_query(ex, args, {"format", "vendor_code", "from", "to", "purpose"});
  const std::string format = args->has("format") ? args->getValue<std::string>("format") : "csv";
  if (format != "csv" && format != "jsonl") throw HttpError(400, "Bad Request", "\"format\" must be csv or jsonl");
  records::AuditFilter f;
  records::Purpose purpose = records::Purpose::none;
  f = api::audit_filter(args);
  purpose = api::purpose_arg(args);
  records::ExportPurpose why{purpose, c.via, c.actor, obj()};
  why.details->set("format", format);
  why.details->set("out", std::string("REST /api/v1/audit/export"));
  for (const char* k : {"from", "to", "vendor_code"})
    if (args->has(k)) why.details->set(k, args->get(k));
  ex.set_header("Content-Disposition", "attachment; filename=\"hoshitori-audit." + format + "\"");
  ex.set_header("Cache-Control", "no-store");
  std::ostream* out = nullptr;
  records::export_audit(
      ctx.svc, format, f,
      [&](std::string_view block) {
        if (!out)
          out = &ex.stream(200, format == "csv" ? "text/csv; charset=utf-8" : "application/jsonl; charset=utf-8");
        out->write(block.data(), static_cast<std::streamsize>(block.size()));
        if (!*out) throw std::runtime_error("the client went away during the export");
      },
      why, true);
}

void admin_expire(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  ex.body(ctx.max_body);
  ex.send_json(200, call(ctx, c, op_doc("requests_expire"), true));
}

void admin_purge(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  auto op = op_doc("records_purge");
  copy_query(ex, op, {"dry_run"});
  if (op->has("dry_run")) {
    const std::string v = op->getValue<std::string>("dry_run");
    if (v != "true" && v != "false") throw HttpError(400, "Bad Request", "\"dry_run\" must be true or false");
    op->set("dry_run", v == "true");
  }
  ex.body(ctx.max_body);
  ex.send_json(200, call(ctx, c, op, true));
}

void index(Exchange& ex, ApiContext&, const Caller& c, const Params&) {
  auto o = obj();
  o->set("service", "hoshitori");
  o->set("api", "v1");
  o->set("openapi", "/api/v1/openapi.yaml");
  o->set("key", c.key.name);
  o->set("role", records::role_name(c.key.role));
  o->set("actor", c.actor);
  ex.send_json(200, api::to_string(o));
}

const Route kRoutes[] = {
    {"GET", "", Role::viewer, index},
    {"GET", "suppliers", Role::viewer, suppliers},
    {"GET", "suppliers/{}", Role::viewer, supplier},
    {"PATCH", "suppliers/{}", Role::buyer, supplier_update},
    {"GET", "suppliers/{}/history", Role::viewer, supplier_history},
    {"GET", "suppliers/{}/evidence", Role::viewer, supplier_evidence},
    {"GET", "suppliers/{}/standing-link", Role::viewer, standing_link_show},
    {"POST", "suppliers/{}/standing-link", Role::buyer, standing_link},
    {"DELETE", "suppliers/{}/standing-link", Role::buyer, standing_link_revoke},
    {"GET", "evidence/{}", Role::viewer, evidence_download},
    {"GET", "requests", Role::viewer, requests_list},
    {"POST", "requests", Role::buyer, request_issue},
    {"GET", "requests/{}", Role::viewer, request_show},
    {"POST", "requests/{}/issue", Role::buyer, request_issue_draft},
    {"GET", "requests/{}/letter", Role::viewer, request_letter},
    {"POST", "requests/{}/steps", Role::buyer, request_step},
    {"GET", "requests/{}/agreement", Role::viewer, agreement_document},
    {"GET", "requests/{}/agreement/scan", Role::viewer, agreement_scan},
    {"POST", "requests/{}/agreement/confirmations", Role::buyer, agreement_confirm},
    {"POST", "requests/{}/supplier-links", Role::buyer, supplier_link},
    {"DELETE", "requests/{}/supplier-links", Role::buyer, supplier_link_revoke},
    {"GET", "audit/verify", Role::viewer, audit_verify},
    {"GET", "audit/export", Role::viewer, audit_export},
    {"POST", "admin/expire-requests", Role::admin, admin_expire},
    {"POST", "admin/purge", Role::admin, admin_purge},
};

bool matches(const char* pattern, const std::vector<std::string>& segs, Params& params) {
  std::vector<std::string> parts;
  std::string p = pattern;
  for (std::size_t start = 0; start < p.size();) {
    std::size_t end = p.find('/', start);
    if (end == std::string::npos) end = p.size();
    parts.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  if (parts.size() + 2 != segs.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "{}")
      params.push_back(segs[i + 2]);
    else if (parts[i] != segs[i + 2])
      return false;
  }
  return true;
}

void serve_openapi(Exchange& ex, const ApiContext& ctx) {
  std::ifstream in(ctx.openapi_path, std::ios::binary);
  if (!in) throw HttpError(404, "Not Found", "the OpenAPI document is not installed");
  std::ostringstream s;
  s << in.rdbuf();
  ex.send(200, "application/yaml; charset=utf-8", s.str());
}

}  // namespace

void handle_api(Exchange& ex, ApiContext& ctx) {
  const auto& segs = ex.segments();
  if (segs.size() < 2 || segs[1] != "v1") throw HttpError(404, "Not Found", "this server speaks /api/v1/");
  if (segs.size() == 3 && segs[2] == "openapi.yaml" && (ex.method() == "GET" || ex.method() == "HEAD"))
    return serve_openapi(ex, ctx);
  std::string method = ex.method() == "HEAD" ? "GET" : ex.method();
  Params params;
  std::string allowed;
  for (const Route& r : kRoutes) {
    if (!matches(r.pattern, segs, params)) continue;
    if (method != r.method) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
      continue;
    }
    Caller c = ctx.auth.require(ex, r.need);
    ex.set_header("Cache-Control", "no-store");
    r.fn(ex, ctx, c, params);
    return;
  }
  if (!allowed.empty()) {
    ex.set_header("Allow", allowed);
    throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here (allowed: " + allowed + ")");
  }
  throw HttpError(404, "Not Found", "no API route " + ex.path());
}

}  // namespace hoshi::http
