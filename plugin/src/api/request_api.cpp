// The JSON ops for requests, negotiation, agreements and the audit trail (shared by
// hoshitori_query_json, the CLI and the REST API).
#include <cerrno>
#include <cstring>
#include <memory>

#include "api/json_api.hpp"
#include "api/op_table.hpp"
#include "core/base64.hpp"
#include "core/evidence.hpp"
#include "core/sha256.hpp"
#include "core/text.hpp"
#include "service/audit_export.hpp"
#include "service/json_args.hpp"
#include "service/op_errors.hpp"
#include "service/requests.hpp"
#include "store/supplier_links.hpp"

namespace hoshi::api {

namespace {
Object::Ptr head_json(const records::ChainHead& h) {
  auto o = obj();
  o->set("seq", h.seq);
  o->set("hash", h.hash);
  return o;
}

Object::Ptr issue_json(const IssueResult& r) {
  auto o = obj();
  o->set("number", r.number);
  o->set("state", r.state);
  o->set("guardrails", guard_json(r.guard));
  return o;
}

// One staff read of protected content, recorded as one audit event (nothing when nothing
// protected was shown).
void note_read(Service& svc, const std::string& actor, const std::string& vendor_code, const std::string& view,
               const std::vector<records::StaffRead>& reads) {
  svc.with_repos<records::StaffReads>(
      [&](records::StaffReads& staff) { staff.record(svc.principal(), actor, vendor_code, view, reads); });
}

std::string date_bound(const Object::Ptr& req, const std::string& key, bool end) {
  std::string d = str_arg(req, key, false);
  if (d.empty()) return {};
  Date date;
  std::string why;
  if (!parse_date(d, date, why)) throw Error(Code::invalid, "\"" + key + "\": " + why);
  // a Japan-time calendar day: from its 00:00, to (inclusive) its end
  return records::jst_day_start_utc((end ? Date::from_days(date.days() + 1) : date).iso());
}
// "scan": {"filename", "content_base64"}: a PDF, PNG or JPEG of the signed copy, at most
// the policy's evidence max_file_bytes; stored with the confirmation, which keeps the
// SHA-256 of the stored bytes.
// A scan that ends as its format ends: %%EOF (PDF), the IEND chunk (PNG), EOI (JPEG).
bool complete_document(const std::string& b, const std::string& type) {
  std::string_view v(b);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ' || v.back() == '\0'))
    v.remove_suffix(1);
  auto ends = [&](std::string_view tail) {
    return v.size() >= tail.size() && v.substr(v.size() - tail.size()) == tail;
  };
  if (type == "application/pdf") return ends("%%EOF");
  if (type == "image/png") return ends(std::string_view("IEND\xae\x42\x60\x82", 8));
  if (type == "image/jpeg") return ends("\xff\xd9");
  return false;
}

PaperScan paper_scan_arg(const Object::Ptr& req, long long max_bytes) {
  Object::Ptr s = sub(req, "scan");
  if (!s) throw Error(Code::invalid, "\"scan\" must be an object {\"filename\", \"content_base64\"}");
  only_keys(s, "scan", {"filename", "content_base64"});
  PaperScan out;
  out.filename = text::trim(text::strip_hidden(str_arg(s, "filename", true)));
  if (out.filename.empty() || out.filename.size() > 200 || out.filename.find_first_of("\r\n\t/\\") != std::string::npos)
    throw Error(Code::invalid, "\"scan.filename\": a file name of 1 to 200 bytes, without a path");
  auto bytes = base64_decode(str_arg(s, "content_base64", true));
  if (!bytes || bytes->empty())
    throw Error(Code::invalid, "\"scan.content_base64\": the scan's bytes as standard padded base64");
  if (static_cast<long long>(bytes->size()) > max_bytes)
    throw Error(Code::invalid, "\"scan.content_base64\": the scan is " + std::to_string(bytes->size()) +
                                   " bytes, over the policy's evidence max_file_bytes (" + std::to_string(max_bytes) +
                                   ")");
  const auto type = evidence::sniff_media_type(*bytes);
  if (!type) throw Error(Code::invalid, "\"scan\": " + out.filename + " is not a PDF, PNG or JPEG");
  if (!complete_document(*bytes, *type))
    throw Error(Code::invalid, "\"scan\": " + out.filename + " is cut short: a " + *type +
                                   " that does not end as one (a whole scan of the signed copy is needed)");
  out.content = std::move(*bytes);  // stored with the confirmation; its SHA-256 is computed from it there
  return out;
}
// The handlers of the rows below (records_ops).
struct Records {
  static Object::Ptr request_issue(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    Object::Ptr body = sub(req, "request");
    if (!body) throw Error(Code::invalid, "\"request\" is required (an object, see README: request file)");
    const std::string actor = actor_arg(req);
    const bool draft = bool_arg(req, "draft", false);
    return run([&] { return issue_json(rs.issue(parse_request_input(body, svc.catalogs()), actor, draft)); });
  }

  static Object::Ptr request_check(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    Object::Ptr body = sub(req, "request");
    if (!body) throw Error(Code::invalid, "\"request\" is required (an object, see README: request file)");
    const std::string actor = actor_arg(req);
    return run([&] {
      auto o = obj();
      o->set("guardrails", guard_json(rs.check(parse_request_input(body, svc.catalogs()), actor)));
      return o;
    });
  }

  static Object::Ptr request_issue_draft(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    return run([&] { return issue_json(rs.issue_draft(str_arg(req, "number", true), actor_arg(req))); });
  }

  static Object::Ptr request_show(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    // with "actor" (the REST API, a host showing the thread to its user) the read of the
    // cost figures, self-check and agreement is recorded: one event per call
    const bool reader = req->has("actor");
    const std::string actor = reader ? actor_arg(req) : std::string();
    return run([&] {
      auto doc = rs.show(str_arg(req, "number", true));
      if (reader)
        note_read(svc, actor, doc->getValue<std::string>("supplier"), "request_show",
                  {{doc->getValue<std::string>("number"), records::protected_content(doc)}});
      return doc;
    });
  }

  static Object::Ptr requests(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    std::optional<std::string> code;
    if (std::string c = str_arg(req, "vendor_code", false); !c.empty()) code = c;
    return run([&] { return rs.list(code); });
  }

  static Object::Ptr request_letter(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    std::string format = str_arg(req, "format", false), lang = str_arg(req, "lang", false);
    return run([&] {
      auto o = obj();
      o->set("number", str_arg(req, "number", true));
      o->set("format", format.empty() ? "txt" : format);
      o->set("content",
             rs.letter(str_arg(req, "number", true), format.empty() ? "txt" : format, lang.empty() ? "ja" : lang));
      return o;
    });
  }

  static Object::Ptr negotiate(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    Object::Ptr step = sub(req, "step");
    if (!step) throw Error(Code::invalid, "\"step\" is required (an object with side, kind, …)");
    StepInput in;
    in.side = str_arg(step, "side", true);
    in.kind = str_arg(step, "kind", true);
    in.overrides = parse_overrides(step);
    in.body = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& k : step->getNames())
      if (k != "side" && k != "kind" && k != "overrides") in.body->set(k, step->get(k));
    return run([&] {
      StepResult r = rs.step(str_arg(req, "number", true), in, actor_arg(req));
      auto o = obj();
      o->set("number", str_arg(req, "number", true));
      o->set("step", r.step);
      o->set("state", r.state);
      if (r.agreement_version) {
        o->set("agreement_version", *r.agreement_version);
        o->set("agreement_sha256", r.agreement_sha256);
      }
      return o;
    });
  }

  static Object::Ptr agreement_confirm(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    std::string method = str_arg(req, "method", false);
    const std::string side = str_arg(req, "side", true);
    // the supplier's side: never from a bare op (an API key, a staff command, a host's
    // header); only with the scan of the copy the supplier signed on paper
    std::optional<PaperScan> scan;
    if (side == "supplier") {
      if (!req->has("scan")) throw Error(Code::refused, RequestService::kSupplierOnlyMessage);
      scan = paper_scan_arg(req, svc.catalogs().policy.evidence.max_file_bytes);
    } else if (req->has("scan")) {
      throw Error(Code::invalid, "\"scan\": a paper scan records the supplier's side only");
    }
    if (method == RequestService::kSupplierLinkMethod || method == RequestService::kSupplierLinkCodeMethod)
      throw Error(Code::invalid, "\"method\": \"" + method + "\" is the supplier link's own");
    return run([&] {
      ConfirmResult r = rs.confirm(str_arg(req, "number", true), side, str_arg(req, "sha256", true), actor_arg(req),
                                   method.empty() ? (scan ? "paper-scan" : "api") : method, scan ? &*scan : nullptr);
      auto o = obj();
      o->set("number", str_arg(req, "number", true));
      o->set("version", r.version);
      o->set("state", r.state);
      Array::Ptr by = new Array;
      for (const auto& s : r.confirmed_by) by->add(s);
      o->set("confirmed_by", by);
      return o;
    });
  }

  static Object::Ptr agreement_document(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    std::optional<long long> version = int_arg(req, "version", 1, 1'000'000);
    const bool reader = req->has("actor");
    const std::string actor = reader ? actor_arg(req) : std::string();
    return run([&] {
      records::AgreementRecord a = rs.agreement(str_arg(req, "number", true), version);
      if (reader) {
        const std::string number = str_arg(req, "number", true);
        auto vendor = svc.with_repos<records::RequestStore>([&](records::RequestStore& rs) { return rs.find(number); });
        if (vendor) note_read(svc, actor, vendor->vendor_code, "agreement_document", {{number, {"agreement"}}});
      }
      auto o = obj();
      o->set("number", str_arg(req, "number", true));
      o->set("version", a.version);
      o->set("sha256", a.sha256);
      o->set("created_at", a.created_at);
      o->set("document", a.document);
      return o;
    });
  }

  static Object::Ptr requests_expire(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    return run([&] {
      Array::Ptr list = new Array;
      for (const auto& n : rs.expire(actor_arg(req))) list->add(n);
      auto o = obj();
      o->set("expired", list);
      return o;
    });
  }

  static Object::Ptr records_purge(Service& svc, const Object::Ptr& req) {
    RequestService rs(svc);
    return run([&] {
      PurgeResult r = rs.purge(actor_arg(req), bool_arg(req, "dry_run", false));
      auto o = obj();
      o->set("cutoff", r.cutoff);
      o->set("agreements_cutoff", r.agreements_cutoff);
      auto retention = obj();
      retention->set("requests_years", r.requests_years);
      retention->set("agreements_years", r.agreements_years);
      o->set("retention", retention);
      Array::Ptr list = new Array;
      for (const auto& n : r.numbers) list->add(n);
      o->set("requests", list);
      auto item = [](const PurgeItem& i) {
        auto e = obj();
        e->set("number", i.number);
        e->set("kind", i.kind);
        e->set("last_step_on", i.last_step_on);
        if (!i.kept_until.empty()) e->set("kept_until", i.kept_until);
        return e;
      };
      Array::Ptr removed = new Array, kept = new Array;
      for (const auto& i : r.removed) removed->add(item(i));
      for (const auto& i : r.kept) kept->add(item(i));
      o->set("removed", removed);
      o->set("kept_for_agreement", kept);
      o->set("events_redacted", r.events_redacted);
      o->set("dry_run", bool_arg(req, "dry_run", false));
      return o;
    });
  }

  static Object::Ptr supplier_link(Service& svc, const Object::Ptr& req) {
    const std::string number = str_arg(req, "number", true), actor = actor_arg(req);
    const long long days = int_arg(req, "ttl_days", 1, 730).value_or(180);
    return run([&] {
      const std::string token = svc.with_repos<records::SupplierLinks>(
          [&](records::SupplierLinks& links) { return links.create(number, static_cast<int>(days), actor); });
      auto o = obj();
      o->set("number", number);
      o->set("path", "/s/" + token);
      o->set("ttl_days", days);
      return o;
    });
  }

  static Object::Ptr supplier_link_revoke(Service& svc, const Object::Ptr& req) {
    const std::string number = str_arg(req, "number", true), actor = actor_arg(req);
    return run([&] {
      const int n = svc.with_repos<records::SupplierLinks>(
          [&](records::SupplierLinks& links) { return links.revoke(number, actor); });
      auto o = obj();
      o->set("number", number);
      o->set("revoked", n);
      return o;
    });
  }

  static Object::Ptr verify(Service& svc, const Object::Ptr& req) {
    std::optional<std::string> expected;
    if (std::string h = str_arg(req, "expected_head", false); !h.empty()) {
      if (!is_sha256_hex(h))
        throw Error(Code::invalid, "\"expected_head\" must be the 64 hexadecimal digits of a head hash, not \"" +
                                       std::string(text::utf8_prefix(h, 80)) + "\"");
      expected = text::ascii_lower(h);
    }
    auto rep = svc.with_repos<records::AuditLog>([&](records::AuditLog& log) { return log.verify(expected); });
    auto o = obj();
    o->set("intact", rep.intact);
    o->set("events", rep.events);
    o->set("redacted", rep.redacted);
    if (!rep.intact) {
      o->set("bad_seq", rep.bad_seq);
      o->set("problem", rep.problem);
    }
    o->set("head", head_json(rep.head));
    return o;
  }

  static Object::Ptr export_audit(Service& svc, const Object::Ptr& req) {
    const std::string format = str_arg(req, "format", true);
    const std::string path = str_arg(req, "out", true);
    records::AuditFilter f = audit_filter(req);
    if (format != "csv" && format != "jsonl") throw Error(Code::invalid, "\"format\" must be csv or jsonl");
    // a named purpose: the cost figures go with the copy, and who named it for what is
    // recorded first (so the copy holds its own record); checked before anything is written
    const records::Purpose purpose = purpose_arg(req);
    std::string actor;
    if (purpose != records::Purpose::none) actor = actor_arg(req);
    records::ExportPurpose why{purpose, svc.principal(), actor, obj()};
    why.details->set("format", format);
    why.details->set("out", path);
    for (const char* k : {"from", "to", "vendor_code"})
      if (req->has(k) && !req->isNull(k)) why.details->set(k, req->get(k));
    records::ExportResult r;
    if (path == "-") {  // the process's standard output, wherever it points (a pipe, >>)
      r = records::export_audit(svc, format, f, records::file_sink(stdout), why);
      if (std::fflush(stdout) != 0) throw Error(Code::error, "cannot finish writing to standard output");
    } else {
      std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
      if (!file) throw Error(Code::invalid, "\"out\": cannot write " + path + ": " + std::strerror(errno));
      r = records::export_audit(svc, format, f, records::file_sink(file.get()), why);
      if (std::fclose(file.release()) != 0) throw Error(Code::error, "cannot finish writing " + path);
    }
    auto o = obj();
    o->set("out", path);
    o->set("format", format);
    o->set("exported", r.exported);
    o->set("chain_head", head_json(r.head));
    o->set("purpose", purpose == records::Purpose::none
                          ? Poco::Dynamic::Var()
                          : Poco::Dynamic::Var(std::string(records::purpose_name(purpose))));
    o->set("withheld", r.withheld);
    return o;
  }
};

}  // namespace

std::vector<OpDef> records_ops() {
  using records::Role;
  const auto S = ArgType::string, I = ArgType::integer, B = ArgType::boolean, O = ArgType::object;
  // clang-format off
  return {
    {"request_issue", "issues a request (or keeps it as a draft)",
     {{"actor", S, true}, {"request", O, true}, {"draft", B}}, Access::writes, Role::buyer, Records::request_issue,
     {"POST", "requests", RestArgs::body, 201}},
    {"request_check", "the guardrails' verdict on a request, nothing recorded",
     {{"actor", S, true}, {"request", O, true}}, Access::reads, Role::buyer, Records::request_check, {}},
    {"request_issue_draft", "issues a draft",
     {{"actor", S, true}, {"number", S, true}}, Access::writes, Role::buyer, Records::request_issue_draft,
     {"POST", "requests/{number}/issue", RestArgs::none}},
    {"request_show", "one request with its steps (with actor: the read is recorded)",
     {{"number", S, true}, {"actor", S}}, Access::reads, Role::viewer, Records::request_show,
     {"GET", "requests/{number}", RestArgs::query}},
    {"requests", "the requests, of one supplier or all",
     {{"vendor_code", S}}, Access::reads, Role::viewer, Records::requests, {"GET", "requests", RestArgs::query}},
    {"request_letter", "the request letter (txt or html, ja or en)",
     {{"number", S, true}, {"format", S}, {"lang", S}}, Access::reads, Role::viewer, Records::request_letter,
     {"GET", "requests/{number}/letter", RestArgs::query}},
    {"negotiate", "one negotiation step",
     {{"actor", S, true}, {"number", S, true}, {"step", O, true}}, Access::writes, Role::buyer, Records::negotiate,
     {"POST", "requests/{number}/steps", RestArgs::body, 201}},
    {"agreement_confirm", "confirms the agreement's version for one side",
     {{"actor", S, true}, {"number", S, true}, {"side", S, true}, {"sha256", S, true}, {"method", S}, {"scan", O}},
     Access::writes, Role::buyer, Records::agreement_confirm,
     {"POST", "requests/{number}/agreement/confirmations", RestArgs::body, 201}},
    {"agreement_document", "the agreement text (with actor: the read is recorded)",
     {{"number", S, true}, {"version", I}, {"actor", S}}, Access::reads, Role::viewer, Records::agreement_document,
     {"GET", "requests/{number}/agreement", RestArgs::query}},
    {"requests_expire", "closes the requests past their reply deadline",
     {{"actor", S, true}}, Access::writes, Role::admin, Records::requests_expire,
     {"POST", "admin/expire-requests", RestArgs::none}},
    {"records_purge", "removes what the retention policy no longer keeps",
     {{"actor", S, true}, {"dry_run", B}}, Access::writes, Role::admin, Records::records_purge,
     {"POST", "admin/purge", RestArgs::query}},
    {"supplier_link", "a link for the supplier's page of one request",
     {{"actor", S, true}, {"number", S, true}, {"ttl_days", I}}, Access::writes, Role::buyer, Records::supplier_link,
     {"POST", "requests/{number}/supplier-links", RestArgs::body_or_empty, 201}},
    {"supplier_link_revoke", "revokes the request's supplier links",
     {{"actor", S, true}, {"number", S, true}}, Access::writes, Role::buyer, Records::supplier_link_revoke,
     {"DELETE", "requests/{number}/supplier-links", RestArgs::none}},
    {"verify", "checks the audit trail's hash chain",
     {{"expected_head", S}}, Access::reads, Role::viewer, Records::verify, {"GET", "audit/verify", RestArgs::query}},
    {"export_audit", "writes the audit trail to a file (csv or jsonl)",
     {{"format", S, true}, {"out", S, true}, {"from", S}, {"to", S}, {"vendor_code", S}, {"purpose", S},
     {"actor", S}}, Access::reads, Role::viewer, Records::export_audit,
     {"GET", "audit/export", RestArgs::own}},
  };
  // clang-format on
}

records::Purpose purpose_arg(const Object::Ptr& req) {
  if (!req->has("purpose") || req->isNull("purpose")) return records::Purpose::none;
  if (!req->get("purpose").isString())
    throw Error(Code::invalid, records::purpose_error("\"purpose\"", req->get("purpose").toString()));
  const std::string given = req->getValue<std::string>("purpose");
  auto p = records::parse_purpose(given);
  if (!p) throw Error(Code::invalid, records::purpose_error("\"purpose\"", given));
  return *p;
}

records::AuditFilter audit_filter(const Object::Ptr& req) {
  records::AuditFilter f;
  if (auto b = date_bound(req, "from", false); !b.empty()) f.from_utc = b;
  if (auto b = date_bound(req, "to", true); !b.empty()) f.to_utc = b;
  if (req->has("vendor_code") && !req->isNull("vendor_code")) {
    f.vendor_code = str_arg(req, "vendor_code", true);
    if (f.vendor_code->empty())  // an empty filter must not widen to every supplier
      throw Error(Code::invalid, "\"vendor_code\" is empty: name a supplier, or leave the key out for all");
  }
  if (f.from_utc && f.to_utc && *f.to_utc <= *f.from_utc)
    throw Error(Code::invalid, "\"from\" is after \"to\": no day lies between them");
  return f;
}

std::string error_json(int code, const std::string& message, const Object::Ptr& detail) {
  auto o = obj();
  o->set("error", message);
  o->set("code", code);
  if (detail)
    for (const auto& k : detail->getNames()) o->set(k, detail->get(k));
  return to_string(o);
}

}  // namespace hoshi::api
