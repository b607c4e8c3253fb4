// One audit event and the hashes that chain the trail (format "hoshitori-audit-v1").
//
//   payload_sha256 = SHA-256( field(before) field(after) )
//   hash           = SHA-256( "hoshitori-audit-v1" field(seq) field(at) field(actor)
//                             field(via) field(action) field(subject) field(vendor_code)
//                             field(payload_sha256) field(prev_hash) )
//
// where field(x) is "-" for NULL, else the byte length in decimal, ":", the UTF-8
// bytes. The first event's prev_hash is 64 zeros. README.md shows how an auditor
// recomputes it from a JSON Lines export.
#pragma once
#include <optional>
#include <string>

namespace hoshi::records {

inline const std::string kGenesisHash(64, '0');

struct AuditEvent {
  long long seq = 0;
  std::string at;  // UTC, YYYY-MM-DDTHH:MM:SS.mmmZ
  std::string actor;
  std::optional<std::string> via;  // the identity the program knew (OS login, API key)
  std::string action, subject;
  std::optional<std::string> vendor_code, before, after;
  std::string payload_sha256, prev_hash, hash;
  std::optional<std::string> redacted_at;  // payload blanked by a purge past retention
};

std::string payload_hash(const std::optional<std::string>& before, const std::optional<std::string>& after);
// The event's own hash from its fields, payload_sha256 and prev_hash (not from `hash`).
std::string event_hash(const AuditEvent& e);

}  // namespace hoshi::records
