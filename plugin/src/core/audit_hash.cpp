#include "core/audit_hash.hpp"

#include "core/sha256.hpp"

namespace hoshi::records {

namespace {
void field(Sha256& h, const std::optional<std::string>& v) {
  if (!v) {
    h.update("-");
    return;
  }
  h.update(std::to_string(v->size()));
  h.update(":");
  h.update(*v);
}
}  // namespace

std::string payload_hash(const std::optional<std::string>& before, const std::optional<std::string>& after) {
  Sha256 h;
  field(h, before);
  field(h, after);
  return h.hex();
}

std::string event_hash(const AuditEvent& e) {
  Sha256 h;
  h.update("hoshitori-audit-v1");
  field(h, std::to_string(e.seq));
  field(h, e.at);
  field(h, e.actor);
  field(h, e.via);
  field(h, e.action);
  field(h, e.subject);
  field(h, e.vendor_code);
  field(h, e.payload_sha256);
  field(h, e.prev_hash);
  return h.hex();
}

}  // namespace hoshi::records
