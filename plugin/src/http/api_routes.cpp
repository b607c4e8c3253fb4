#include "http/api_routes.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "api/json_api.hpp"
#include "api/op_table.hpp"
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

// A route of the op table (api/op_table.hpp), or one of this file's own (no op: the index,
// the agreement scan), or an op's route served by this file's own handler (a stream, the
// status cache).
struct Route {
  std::string method;
  std::vector<std::string> parts;  // segments after /api/v1; "{key}" matches one
  std::vector<std::string> keys;   // the op arguments the {key} segments fill, in order
  Role need;
  const api::OpDef* op;  // null: not an op
  Handler fn;            // null: the op's handler, called with the arguments
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

// Runs one op as the caller, with the arguments as parsed: their user is the actor (when
// the op takes one), their key the "via".
Object::Ptr call(ApiContext& ctx, const Caller& c, const api::OpDef& op, Object::Ptr args) {
  const bool acts = api::takes(op, "actor");
  if (acts && c.session.empty() && c.actor != c.key.name && carries_overrides(args))
    throw HttpError(403, "Forbidden",
                    "an override is made under the API key's own name (\"" + c.key.name + "\"), not the " +
                        "X-Hoshitori-User header (\"" + c.actor +
                        "\"): send it without the header, with a key made for the user the policy lists");
  if (acts) args->set("actor", c.actor);
  ScopedPrincipal as(c.via);
  return api::run_op(ctx.svc, op, args);
}

// The JSON object in the body (with `empty_ok`, no body is an empty one); "op" and
// "actor" are not the caller's to set here.
Object::Ptr body_args(Exchange& ex, const ApiContext& ctx, bool empty_ok) {
  const std::string body = ex.body(ctx.max_body);
  if (empty_ok && body.find_first_not_of(" \t\r\n") == std::string::npos) return obj();
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

// The query parameters as the op's arguments: an integer argument must be a whole number,
// a boolean one true or false; a parameter the op does not take (or that the path or the
// header fills) is refused.
Object::Ptr query_args(const Exchange& ex, const std::vector<api::Arg>& op_args,
                       const std::vector<std::string>& path_keys = {}) {
  auto taken = [&](const api::Arg& a) {
    return std::string(a.key) != "actor" && std::find(path_keys.begin(), path_keys.end(), a.key) == path_keys.end();
  };
  auto args = obj();
  for (const auto& [k, v] : ex.query_params()) {
    const api::Arg* arg = nullptr;
    for (const auto& a : op_args)
      if (k == a.key && taken(a)) arg = &a;
    if (!arg) {
      std::string list;
      for (bool integers : {true, false})
        for (const auto& a : op_args)
          if (taken(a) && (a.type == api::ArgType::integer) == integers)
            list += (list.empty() ? "" : ", ") + std::string(a.key);
      throw HttpError(400, "Bad Request",
                      "unknown query parameter \"" + k + "\"" + (list.empty() ? "" : " (known: " + list + ")"));
    }
    if (arg->type == api::ArgType::integer) {
      if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
        throw HttpError(400, "Bad Request", "query parameter \"" + k + "\" must be a whole number");
      args->set(k, std::stoll(v));
    } else if (arg->type == api::ArgType::boolean) {
      if (v != "true" && v != "false") throw HttpError(400, "Bad Request", "\"" + k + "\" must be true or false");
      args->set(k, v == "true");
    } else {
      args->set(k, v);
    }
  }
  return args;
}

// What a few routes add around their op: defaults and checks before it runs, headers after.
void before_op(const std::string& op, Object::Ptr& args, const Caller& c) {
  if (op == "suppliers") {
    if (!args->has("limit")) args->set("limit", 50);
    if (args->getValue<long long>("limit") > 1000)
      throw HttpError(400, "Bad Request", "\"limit\" is at most 1000 (page with \"offset\")");
  } else if (op == "update_status") {
    if (args->has("vendor_code")) throw HttpError(400, "Bad Request", "the vendor code is in the path, not the body");
  } else if (op == "agreement_confirm") {
    // the supplier's side: only an admin key, with the scan of the copy the supplier signed
    // on paper (checked by the op); a buyer key never speaks for the supplier, whatever
    // X-Hoshitori-User says. Refused before the op runs: nothing is recorded.
    if (args->has("side") && args->get("side").isString() && args->getValue<std::string>("side") == "supplier" &&
        (c.key.role != Role::admin || !args->has("scan"))) {
      auto extra = obj();
      extra->set("code", document_code(Code::refused));
      throw HttpError(403, "Forbidden",
                      std::string(RequestService::kSupplierOnlyMessage) + " (key \"" + c.key.name + "\", role " +
                          records::role_name(c.key.role) + (args->has("scan") ? "" : ", no scan") + ")",
                      extra);
    }
  }
}

// An op's route: the arguments from the query or the body and the path, the op's handler
// called with them, its answer sent with the route's status.
void op_route(Exchange& ex, ApiContext& ctx, const Caller& c, const Route& r, const Params& p) {
  const api::OpDef& op = *r.op;
  Object::Ptr args;
  if (op.rest.args == api::RestArgs::body || op.rest.args == api::RestArgs::body_or_empty) {
    args = body_args(ex, ctx, op.rest.args == api::RestArgs::body_or_empty);
  } else {
    args = op.rest.args == api::RestArgs::query ? query_args(ex, op.args, r.keys) : obj();
    if (r.method != "GET") ex.body(ctx.max_body);  // nothing to say; an empty body or {}
  }
  before_op(op.name, args, c);
  for (std::size_t i = 0; i < r.keys.size(); ++i) args->set(r.keys[i], p[i]);
  Object::Ptr out = call(ctx, c, op, args);
  if (std::string(op.name) == "request_issue")
    ex.set_header("Location", "/api/v1/requests/" + out->getValue<std::string>("number"));
  ex.send_json(op.rest.status, api::to_string(out));
}

// The ERP's hot path: straight from the status cache, without an op document's round trip.
void supplier(Exchange& ex, ApiContext& ctx, const Caller&, const Params& p) {
  query_args(ex, {});
  std::string body;
  // AmbiguousKey (a 法人番号 of several suppliers) is Code::conflict
  const bool found = ctx.svc.with_status(p[0], [&](const SupplierStanding& s) { body = api::status_json_text(s); });
  if (!found) throw Error(Code::notfound, "no supplier with vendor code " + p[0]);
  ex.send_json(200, body);
}

// The stored bytes, as they were sent, with the type judged from them at upload.
void evidence_download(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  query_args(ex, {});
  if (!send_evidence(ex, ctx.svc, p[0], c.actor, c.via)) throw Error(Code::notfound, "no evidence file " + p[0]);
}

// The scan of the copy the supplier signed on paper (記名押印), as kept with its
// confirmation; each download is an audit event (agreement.scan_downloaded).
void agreement_scan(Exchange& ex, ApiContext& ctx, const Caller& c, const Params& p) {
  query_args(ex, {{"version", api::ArgType::integer, false}});
  if (!send_agreement_scan(ex, ctx.svc, p[0], ex.query("version"), c.actor, c.via))
    throw Error(Code::notfound,
                "request " + p[0] + ": no paper scan is kept with that agreement version's supplier confirmation");
}

// Streams the export from a connection of its own, so a long download does not hold
// the service's connection (and every other caller) for its length.
// Without ?purpose= the cost figures are withheld; with purpose=negotiation|audit they are
// included and the caller, the export and the purpose are recorded before it streams.
void audit_export(Exchange& ex, ApiContext& ctx, const Caller& c, const Params&) {
  const auto S = api::ArgType::string;
  auto args = query_args(
      ex,
      {{"format", S, false}, {"vendor_code", S, false}, {"from", S, false}, {"to", S, false}, {"purpose", S, false}});
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

// The own handlers of some op routes, and the routes of no op.
struct OwnRoute {
  const char* op;  // or, with no op:
  const char* method;
  const char* path;
  Role need;
  Handler fn;
};
const OwnRoute kOwnRoutes[] = {
    {nullptr, "GET", "", Role::viewer, index},
    {"status", nullptr, nullptr, Role::viewer, supplier},
    {"evidence_file", nullptr, nullptr, Role::viewer, evidence_download},
    {nullptr, "GET", "requests/{number}/agreement/scan", Role::viewer, agreement_scan},
    {"export_audit", nullptr, nullptr, Role::viewer, audit_export},
};

Route make_route(const std::string& method, const std::string& path, Role need, const api::OpDef* op, Handler fn) {
  Route r{method, {}, {}, need, op, fn};
  for (std::size_t start = 0; start < path.size();) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    r.parts.push_back(path.substr(start, end - start));
    if (r.parts.back().front() == '{') r.keys.push_back(r.parts.back().substr(1, r.parts.back().size() - 2));
    start = end + 1;
  }
  return r;
}

// Built once, from the op table's REST rows and the routes above.
const std::vector<Route>& routes() {
  static const std::vector<Route> all = [] {
    std::vector<Route> out;
    for (const OwnRoute& o : kOwnRoutes)
      if (!o.op) out.push_back(make_route(o.method, o.path, o.need, nullptr, o.fn));
    for (const auto& op : api::op_table()) {
      if (!op.rest.method) continue;
      Handler fn = nullptr;
      for (const OwnRoute& o : kOwnRoutes)
        if (o.op && std::string(o.op) == op.name) fn = o.fn;
      out.push_back(make_route(op.rest.method, op.rest.path, op.role, &op, fn));
    }
    return out;
  }();
  return all;
}

bool matches(const Route& r, const std::vector<std::string>& segs, Params& params) {
  if (r.parts.size() + 2 != segs.size()) return false;
  params.clear();
  for (std::size_t i = 0; i < r.parts.size(); ++i) {
    if (r.parts[i].front() == '{')
      params.push_back(segs[i + 2]);
    else if (r.parts[i] != segs[i + 2])
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

std::vector<RouteInfo> api_route_list() {
  std::vector<RouteInfo> out;
  for (const Route& r : routes()) {
    std::string path = "/api/v1/";
    for (std::size_t i = 0; i < r.parts.size(); ++i) path += (i ? "/" : "") + r.parts[i];
    out.push_back({r.method, path, r.op ? r.op->name : ""});
  }
  out.push_back({"GET", "/api/v1/openapi.yaml", ""});
  return out;
}

void handle_api(Exchange& ex, ApiContext& ctx) {
  const auto& segs = ex.segments();
  if (segs.size() < 2 || segs[1] != "v1") throw HttpError(404, "Not Found", "this server speaks /api/v1/");
  if (segs.size() == 3 && segs[2] == "openapi.yaml" && (ex.method() == "GET" || ex.method() == "HEAD"))
    return serve_openapi(ex, ctx);
  std::string method = ex.method() == "HEAD" ? "GET" : ex.method();
  Params params;
  std::string allowed;
  for (const Route& r : routes()) {
    if (!matches(r, segs, params)) continue;
    if (method != r.method) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(r.method);
      continue;
    }
    Caller c = ctx.auth.require(ex, r.need);
    ex.set_header("Cache-Control", "no-store");
    if (r.fn)
      r.fn(ex, ctx, c, params);
    else
      op_route(ex, ctx, c, r, params);
    return;
  }
  if (!allowed.empty()) {
    ex.set_header("Allow", allowed);
    throw HttpError(405, "Method Not Allowed", ex.method() + " is not allowed here (allowed: " + allowed + ")");
  }
  throw HttpError(404, "Not Found", "no API route " + ex.path());
}

}  // namespace hoshi::http
