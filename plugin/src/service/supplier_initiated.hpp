// The supplier-initiated negotiation (issue 15 item 7, 想定事例 (4)): a supplier asks the
// buyer, through its standing link, to negotiate the price for its security costs though
// the buyer asked it for nothing. The record is a request row of origin "supplier" (no
// level, no letter, no reply deadline; migration 018) that starts negotiating with the
// supplier's negotiation_request step; from there the one negotiation machinery applies
// (core/request_model.hpp: open_ask, the buyer's accept / counter with basis / reject with
// reasons, no-unilateral-price, the agreement drawn from the thread, both confirmations).
//
// JSON ops (hoshitori_query_json, REST, CLI):
//   standing_link         {vendor_code, days?, actor}  → {vendor_code, path, days} (a new
//                         link; the supplier's earlier one is revoked: rotation)
//   standing_link_revoke  {vendor_code, actor}         → {vendor_code, revoked}
//   standing_link_show    {vendor_code}                → {vendor_code, link: {id, state, created_at, expires_at} |
//   null}
#pragma once
#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "service/service.hpp"

namespace hoshi {

class InitiatedService {
 public:
  explicit InitiatedService(Service& svc) : svc_(svc) {}
  // The supplier's ask: the record and its first step (`step_body`, a negotiation_request
  // body checked as every step is, the cost share computed) in one transaction, with their
  // audit events. Returns the new number. Throws Error (bad body),
  // Error (Code::notfound) (no such supplier).
  std::string open(const std::string& vendor_code, Poco::JSON::Object::Ptr step_body, const std::string& actor);

 private:
  Service& svc_;
};

// The standing-link ops' handlers (rows in api/op_table.cpp).
Poco::JSON::Object::Ptr op_standing_link(Service& svc, const Poco::JSON::Object::Ptr& req);
Poco::JSON::Object::Ptr op_standing_link_revoke(Service& svc, const Poco::JSON::Object::Ptr& req);
Poco::JSON::Object::Ptr op_standing_link_show(Service& svc, const Poco::JSON::Object::Ptr& req);

}  // namespace hoshi
