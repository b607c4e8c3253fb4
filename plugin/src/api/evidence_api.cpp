// The JSON ops over a supplier's evidence files (shared by hoshitori_query_json, the
// CLI and the REST API). The self-check is shown with the request (request_show).
// evidence_file hands out the bytes and records the download (see SupplierEvidence).
#include <algorithm>

#include "api/json_api.hpp"
#include "api/op_table.hpp"
#include "core/base64.hpp"
#include "service/json_args.hpp"
#include "service/requests.hpp"
#include "service/supplier_evidence.hpp"
#include "store/purpose.hpp"

namespace hoshi::api {

namespace {

// The handlers of the rows below (evidence_ops).
struct Evidence {
  static Object::Ptr evidence(Service& svc, const Object::Ptr& req) {
    // with "actor" (the REST API) the listing is recorded as a read of each request's
    // evidence: one event per call (records/purpose.hpp)
    const std::string code = str_arg(req, "vendor_code", true);
    std::optional<std::string> number;
    if (std::string n = str_arg(req, "number", false); !n.empty()) number = n;
    const bool reader = req->has("actor");
    const std::string actor = reader ? actor_arg(req) : std::string();
    const std::string real_code = find_supplier(svc, code).supplier.code();
    Array::Ptr files = new Array;
    std::vector<records::StaffRead> reads;
    for (const auto& f : SupplierEvidence(svc).list(real_code, number)) {
      files->add(evidence_json(f));
      if (std::none_of(reads.begin(), reads.end(), [&](const records::StaffRead& r) { return r.number == f.number; }))
        reads.push_back({f.number, {"evidence"}});
    }
    if (reader)
      svc.with_repos<records::StaffReads>(
          [&](records::StaffReads& staff) { staff.record(svc.principal(), actor, real_code, "evidence", reads); });
    auto o = obj();
    o->set("vendor_code", real_code);
    o->set("files", files);
    return o;
  }

  static Object::Ptr evidence_file(Service& svc, const Object::Ptr& req) {
    const auto id = int_arg(req, "id", 1, LLONG_MAX);
    if (!id) throw Error(Code::invalid, "\"id\" is required");
    // the download is recorded (a withdrawal keeps the bytes the buyer has): by the
    // acting user when given, else by the handle's principal, else as "host"
    std::string actor = str_arg(req, "actor", false);
    if (actor.empty()) actor = svc.principal();
    if (actor.empty()) actor = "host";
    std::optional<records::EvidenceFile> f;
    try {
      f = SupplierEvidence(svc).download(*id, actor);
    } catch (const EvidenceGone& e) {
      throw Error(Code::notfound, e.what());
    }
    if (!f) throw Error(Code::notfound, "no evidence file " + std::to_string(*id));
    auto o = evidence_json(*f);
    o->set("content_base64", base64_encode(f->content));
    return o;
  }
};

}  // namespace

std::vector<OpDef> evidence_ops() {
  using records::Role;
  const auto S = ArgType::string, I = ArgType::integer;
  // clang-format off
  return {
    {"evidence", "a supplier's evidence files (with actor: the read is recorded)",
     {{"vendor_code", S, true}, {"number", S}, {"actor", S}}, Access::reads, Role::viewer, Evidence::evidence,
     {"GET", "suppliers/{vendor_code}/evidence", RestArgs::query}},
    {"evidence_file", "one evidence file with its bytes (the download recorded)",
     {{"id", I, true}, {"actor", S}}, Access::reads, Role::viewer, Evidence::evidence_file,
     {"GET", "evidence/{id}", RestArgs::own}},
  };
  // clang-format on
}

}  // namespace hoshi::api
